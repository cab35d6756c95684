import base64

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from veerkracht.core import crypto
from veerkracht.organisations.models import Location

OLD = base64.urlsafe_b64encode(b"o" * 32).decode()
NEW = base64.urlsafe_b64encode(b"n" * 32).decode()


def _stored_address(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM organisations_location WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_address_is_not_stored_in_clear_text(location_a):
    stored = _stored_address(location_a.pk)
    assert stored.startswith(crypto.PREFIX)
    assert location_a.address not in stored
    assert Location.objects.get(pk=location_a.pk).address == location_a.address


@pytest.mark.django_db
def test_rotate_keys_re_encrypts_with_the_new_key(location_a):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        location_a.address = "Geheimstraat 1, 1234 AB Ergens"
        location_a.save()
        old_token = _stored_address(location_a.pk)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        assert Location.objects.get(pk=location_a.pk).address == "Geheimstraat 1, 1234 AB Ergens"
        assert not crypto.is_current(old_token)
        call_command("rotate_keys")
        new_token = _stored_address(location_a.pk)
        assert new_token != old_token
        assert crypto.is_current(new_token)
    # After rotation the old key can be dropped.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        assert Location.objects.get(pk=location_a.pk).address == "Geheimstraat 1, 1234 AB Ergens"
