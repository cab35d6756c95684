"""Network tests: methodologies loaded, a child with a pathway and parents; users read English (the family tests'
fixtures)."""

from veerkracht.family.tests.conftest import client_for, family, mentor_a, methodologies  # noqa: F401
