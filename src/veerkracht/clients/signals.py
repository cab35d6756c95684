"""Signals that clients sends so that later apps can react without clients importing them.

``child_stay_created(sender=Stay, stay=..., actor=...)`` is sent inside the service's
transaction right after a child's stay is created (registration and re-admission); the
pathway app creates the child's pathway in answer. A receiver that raises rolls the whole
registration back.
"""

from django.dispatch import Signal

child_stay_created = Signal()
