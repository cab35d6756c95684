import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from veerkracht.audit import chain
from veerkracht.audit.models import Action, AuditEvent
from veerkracht.audit.services import record


@pytest.fixture
def three_events(kinderwerker_a, child_a):
    return [
        record(actor=kinderwerker_a, action=Action.READ, obj=child_a, client=child_a, detail="dossier"),
        record(actor=kinderwerker_a, action=Action.UPDATE, obj=child_a, client=child_a, changed_fields=["first_name"]),
        record(actor=kinderwerker_a, action=Action.PRINT, obj=child_a, client=child_a),
    ]


def test_event_holds_the_nen7513_fields(three_events, kinderwerker_a, child_a, org_a):
    event = AuditEvent.objects.get(pk=three_events[1].pk)
    assert event.user_id == kinderwerker_a.pk
    assert event.username == kinderwerker_a.username
    assert event.responsible_user_id == kinderwerker_a.pk
    assert event.role == "kinderwerker"
    assert event.organisation_id == org_a.pk
    assert event.client_id == child_a.pk
    assert event.client_number == child_a.client_number
    assert event.object_type == "clients.person"
    assert event.object_id == str(child_a.pk)
    assert event.changed_fields == ["first_name"]
    assert event.timestamp is not None
    # no names of the child in the log
    assert child_a.first_name not in repr(AuditEvent.objects.filter(pk=event.pk).values().first())


def test_chain_links_each_event_to_the_previous(three_events):
    events = list(AuditEvent.objects.order_by("id"))
    assert events[0].prev_hash == chain.GENESIS
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.prev_hash == earlier.hash


def test_verify_audit_passes_on_untouched_log(three_events, capsys):
    call_command("verify_audit")
    assert "events verified" in capsys.readouterr().out


@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET username = 'someone_else'", "DELETE FROM audit_auditevent"])
def test_database_refuses_update_and_delete(three_events, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 3


def test_orm_cannot_delete_events(three_events):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()


def _tamper(event_id, column, value):
    """What a database administrator could do: lift the trigger, change a row, restore it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, event_id])  # noqa: S608
            cursor.execute(
                "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;"
            )
        else:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete")
            cursor.execute(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, event_id])  # noqa: S608
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update_delete")


def test_verify_audit_names_exactly_the_altered_event(three_events):
    middle = three_events[1]
    _tamper(middle.pk, "username", "iemand_anders")
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")
    assert f"at event {middle.pk} " in str(excinfo.value)


def test_verify_audit_detects_a_removed_event(three_events):
    # Recomputing a hash needs the key, which is not in the database: a forged row fails.
    _tamper(three_events[1].pk, "hash", "f" * 64)
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")
    assert f"at event {three_events[1].pk} " in str(excinfo.value)


def test_request_context_is_recorded(kinderwerker_a, client_for, child_a):
    client = client_for(kinderwerker_a)
    response = client.get("/account/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    client.post("/account/", {"language": "en"}, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="accounts.user").latest("id")
    assert event.source_address == "10.1.2.3"
    assert len(event.request_id) == 32
    assert event.changed_fields == ["language"]
