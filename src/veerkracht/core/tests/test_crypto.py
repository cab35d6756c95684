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


def _dump_text(cursor_connection) -> str:  # type: ignore[no-untyped-def]
    """Everything in every table, as a database dump would show it."""
    chunks = []
    with cursor_connection.cursor() as cursor:
        for table in cursor_connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {cursor_connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(chunks)


def test_a_database_dump_shows_no_secret_in_clear_text(org_a, location_a, staff, child_a):
    from veerkracht.accounts.roles import Role
    from veerkracht.clients.services import do_break_glass

    org_a.restrict_to_teams = True
    org_a.save()
    worker = staff(Role.KINDERWERKER, org_a, username="dump_kw")
    location_a.address = "Verborgenlaan 17, 9999 ZZ Nergenshuizen"
    location_a.save()
    do_break_glass(child_a, reason="Vader dreigt met ontvoering vanavond", actor=worker)
    dump = _dump_text(connection)
    assert child_a.client_number in dump  # the dump really holds the data
    for secret in ("Verborgenlaan", "Nergenshuizen", "ontvoering"):
        assert secret not in dump
