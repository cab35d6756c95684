"""Meldcode tests: children with a pathway in organisation A; users read English (the intake tests' fixtures)."""

from veerkracht.intake.tests.conftest import client_for, make_pathway, methodologies, worker  # noqa: F401
