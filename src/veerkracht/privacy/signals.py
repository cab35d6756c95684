"""Other apps that keep personal data about a client (notes, plans, screening answers)
connect to ``person_anonymised`` and erase or blank their own records for the person.

Receivers run inside the anonymisation's transaction: an exception rolls everything back.
Signature: ``receiver(sender, person, actor, reason, **kwargs)``.
"""

from django.dispatch import Signal

person_anonymised = Signal()
