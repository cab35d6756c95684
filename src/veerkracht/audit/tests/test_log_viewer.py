from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent
from veerkracht.audit.services import record


def test_logbeheerder_sees_own_organisation_and_reading_is_logged(org_a, org_b, staff, client_for, child_a, child_b, kinderwerker_a, kinderwerker_b):
    record(actor=kinderwerker_a, action=Action.READ, obj=child_a, client=child_a)
    record(actor=kinderwerker_b, action=Action.READ, obj=child_b, client=child_b)
    log_admin = staff(Role.LOGBEHEERDER, org_a, username="log_a")
    response = client_for(log_admin).get("/logboek/", {"client_number": child_a.client_number})
    assert response.status_code == 200
    shown = list(response.context["page"])
    assert [e.client_number for e in shown] == [child_a.client_number]
    assert child_b.client_number not in response.content.decode()
    read = AuditEvent.objects.filter(action=Action.LOG_READ, user_id=log_admin.pk).latest("id")
    assert f"client={child_a.client_number}" in read.detail


def test_other_roles_cannot_read_the_log(org_a, staff, client_for):
    for role in (Role.KINDERWERKER, Role.TEAMLEIDER, Role.FUNCTIONEEL_BEHEERDER, Role.GEDRAGSWETENSCHAPPER):
        user = staff(role, org_a, username=f"u_{role}")
        assert client_for(user).get("/logboek/").status_code == 403
    gemeente = staff(Role.GEMEENTE, None, username="gem")
    assert client_for(gemeente).get("/logboek/").status_code == 403


def test_bad_period_gets_a_message(org_a, staff, client_for):
    log_admin = staff(Role.LOGBEHEERDER, org_a, username="log_a2")
    response = client_for(log_admin).get("/logboek/", {"date_from": "2026-11-20", "date_to": "2026-11-01"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
