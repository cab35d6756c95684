import datetime

import pytest
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent
from veerkracht.clients.models import EmergencyAccess
from veerkracht.testing import factories


@pytest.fixture
def restricted(org_a, location_a, staff):
    """Organisation A narrows workers to their teams; the worker is not in the child's team."""
    org_a.restrict_to_teams = True
    org_a.save()
    my_team = factories.TeamFactory(organisation=org_a, name="Team Oost")
    other_team = factories.TeamFactory(organisation=org_a, name="Team West")
    worker = staff(Role.KINDERWERKER, org_a, username="kw_oost")
    worker.membership.teams.add(my_team)
    household = factories.HouseholdFactory(organisation=org_a, team=other_team)
    child = factories.PersonFactory(household=household, first_name="Mila", last_name="Smit")
    factories.StayFactory(person=child, location=factories.LocationFactory(organisation=org_a, name="Elders"))
    log_admin = staff(Role.LOGBEHEERDER, org_a, username="log_a")
    return worker, child, log_admin


def test_out_of_scope_child_is_404_until_the_glass_is_broken(restricted, client_for):
    worker, child, _log_admin = restricted
    client = client_for(worker)
    assert client.get(f"/clients/{child.pk}/").status_code == 404
    response = client.post("/clients/noodtoegang/", {"client_number": child.client_number, "reason": "Moeder belt in paniek, vader staat voor de deur"})
    assert response.status_code == 302 and response["Location"] == f"/clients/{child.pk}/"
    assert client.get(f"/clients/{child.pk}/").status_code == 200
    granted = AuditEvent.objects.get(action=Action.BREAK_GLASS, client_id=child.pk)
    assert granted.user_id == worker.pk and granted.detail == "granted"
    read = AuditEvent.objects.filter(action=Action.READ, client_id=child.pk).latest("id")
    assert read.detail == "dossier (emergency access)"
    # the reason is not in the log itself, and it is stored encrypted
    assert "paniek" not in granted.detail


def test_emergency_access_expires(restricted, client_for):
    worker, child, _ = restricted
    client = client_for(worker)
    client.post("/clients/noodtoegang/", {"client_number": child.client_number, "reason": "Acute zorg over veiligheid kind"})
    EmergencyAccess.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(f"/clients/{child.pk}/").status_code == 404


def test_reason_is_required_and_nothing_is_written_without_it(restricted, client_for):
    worker, child, _ = restricted
    response = client_for(worker).post("/clients/noodtoegang/", {"client_number": child.client_number, "reason": "kort"})
    assert response.status_code == 200
    assert not EmergencyAccess.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.BREAK_GLASS).exists()


def test_no_break_glass_into_another_organisation(restricted, client_for, child_b):
    worker, _child, _ = restricted
    response = client_for(worker).post("/clients/noodtoegang/", {"client_number": child_b.client_number, "reason": "Poging tot toegang bij een andere organisatie"})
    assert response.status_code == 200
    assert "no client with this number" in response.content.decode() or "geen cliënt" in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_log_administrator_reviews_and_closes(restricted, client_for, staff, org_a):
    worker, child, log_admin = restricted
    worker_client = client_for(worker)
    worker_client.post("/clients/noodtoegang/", {"client_number": child.client_number, "reason": "Acute zorg over veiligheid kind"})
    assert worker_client.get(f"/clients/{child.pk}/").status_code == 200
    access = EmergencyAccess.objects.get()
    admin_client = client_for(log_admin)
    listing = admin_client.get("/clients/noodtoegang/beoordelen/")
    assert listing.status_code == 200 and child.client_number in listing.content.decode()
    page = admin_client.get(f"/clients/noodtoegang/beoordelen/{access.pk}/")
    assert "Acute zorg over veiligheid kind" in page.content.decode()
    assert AuditEvent.objects.filter(action=Action.LOG_READ, user_id=log_admin.pk, client_id=child.pk).exists()
    log_page = admin_client.get("/logboek/", {"client_number": child.client_number}).content.decode()
    assert "dossier (emergency access)" in log_page
    assert admin_client.post(f"/clients/noodtoegang/beoordelen/{access.pk}/", {"note": ""}).status_code == 200
    response = admin_client.post(f"/clients/noodtoegang/beoordelen/{access.pk}/", {"note": "Terecht: melding van acuut gevaar."})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == log_admin and not access.is_active
    assert client_for(worker).get(f"/clients/{child.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action=Action.BREAK_GLASS, detail="reviewed", user_id=log_admin.pk).exists()
    # a log administrator of another organisation cannot see it
    other = staff(Role.LOGBEHEERDER, factories.OrganisationFactory(), username="log_b")
    assert client_for(other).get(f"/clients/noodtoegang/beoordelen/{access.pk}/").status_code == 404


def test_only_the_log_administrator_of_the_organisation_may_review(restricted, staff, org_a):
    from django.core.exceptions import PermissionDenied

    from veerkracht.clients.services import do_break_glass, do_review_emergency_access

    worker, child, _log_admin = restricted
    access = do_break_glass(child, reason="Acute zorg over veiligheid kind", actor=worker)
    for reviewer in (staff(Role.TEAMLEIDER, org_a, username="tl_rev"), staff(Role.LOGBEHEERDER, factories.OrganisationFactory(), username="log_other")):
        with pytest.raises(PermissionDenied):
            do_review_emergency_access(access, note="bekeken", actor=reviewer)
    access.refresh_from_db()
    assert not access.is_reviewed
