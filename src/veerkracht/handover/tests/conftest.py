"""Handover tests: the consent tests' family (child, mother, father, pathway) and users reading English."""

from veerkracht.consent.tests.conftest import client_for, make_family, methodologies, scientist, worker  # noqa: F401
