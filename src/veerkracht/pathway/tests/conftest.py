"""Pathway tests: methodologies loaded; users read English."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from veerkracht.accounts.models import User
from veerkracht.conftest import verified_client


@pytest.fixture
def methodologies(db):  # type: ignore[no-untyped-def]
    call_command("load_methodologies", verbosity=0)


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    def make(user: User):  # type: ignore[no-untyped-def]
        User.objects.filter(pk=user.pk).update(language="en")
        user.language = "en"
        return verified_client(user)

    return make
