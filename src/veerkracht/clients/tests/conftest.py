"""The client-screen tests read English messages: their users choose English."""

from __future__ import annotations

import pytest

from veerkracht.accounts.models import User
from veerkracht.conftest import verified_client


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    def make(user: User):  # type: ignore[no-untyped-def]
        User.objects.filter(pk=user.pk).update(language="en")
        user.language = "en"
        return verified_client(user)

    return make
