"""Erasure requests (AVG art. 17): four eyes, a note when rejecting, everything logged."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent
from veerkracht.clients.models import Stay
from veerkracht.privacy import services
from veerkracht.privacy.models import ErasureRequest, ErasureStatus

pytestmark = pytest.mark.django_db


def _file(client_for, user, person):  # type: ignore[no-untyped-def]
    return client_for(user).post(
        reverse("privacy:erasure_request_create", args=[person.pk]), {"reason": "Mother asked by letter on 1-3-2026."}
    )


def test_teamleider_files_a_request(client_for, teamleider_a, child_a):
    response = _file(client_for, teamleider_a, child_a)
    assert response.status_code == 302
    request = ErasureRequest.objects.get()
    assert request.status == ErasureStatus.REQUESTED and request.requested_by == teamleider_a
    event = AuditEvent.objects.filter(action=Action.CREATE, object_type="privacy.erasurerequest").get()
    assert event.client_id == child_a.pk


def test_requester_cannot_approve(client_for, teamleider_a, child_a):
    _file(client_for, teamleider_a, child_a)
    request = ErasureRequest.objects.get()
    url = reverse("privacy:erasure_decide", args=[request.pk])
    page = client_for(teamleider_a).get(url).content.decode()
    assert "You filed this request yourself" in page
    response = client_for(teamleider_a).post(url, {"decision": "approve", "note": ""})
    assert response.status_code == 200
    assert "You filed this request yourself. A second person" in response.content.decode()
    request.refresh_from_db()
    assert request.status == ErasureStatus.REQUESTED
    child_a.refresh_from_db()
    assert child_a.first_name == "Noor"
    with pytest.raises(ValidationError):
        services.do_decide_erasure(request, approve=True, note="", actor=teamleider_a)


def test_database_refuses_same_person_deciding(teamleider_a, child_a):
    request = services.do_request_erasure(child_a, reason="asked", actor=teamleider_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ErasureRequest.objects.filter(pk=request.pk).update(decided_by=teamleider_a)


def test_rejection_needs_a_note(client_for, teamleider_a, teamleider_a2, child_a):
    _file(client_for, teamleider_a, child_a)
    request = ErasureRequest.objects.get()
    url = reverse("privacy:erasure_decide", args=[request.pk])
    response = client_for(teamleider_a2).post(url, {"decision": "reject", "note": "  "})
    assert response.status_code == 200
    assert "Give the reason for rejecting" in response.content.decode()
    request.refresh_from_db()
    assert request.status == ErasureStatus.REQUESTED
    with pytest.raises(ValidationError):
        services.do_decide_erasure(request, approve=False, note="", actor=teamleider_a2)
    response = client_for(teamleider_a2).post(url, {"decision": "reject", "note": "Jeugdwet: 20 years retention."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ErasureStatus.REJECTED and request.decided_by == teamleider_a2
    child_a.refresh_from_db()
    assert child_a.first_name == "Noor"
    assert AuditEvent.objects.filter(action=Action.UPDATE, detail="erasure rejected", client_id=child_a.pk).exists()


def test_second_person_approves_and_it_is_carried_out(client_for, teamleider_a, gedragswetenschapper_a, child_a):
    stays_before = Stay.objects.filter(person=child_a).count()
    _file(client_for, teamleider_a, child_a)
    request = ErasureRequest.objects.get()
    response = client_for(gedragswetenschapper_a).post(
        reverse("privacy:erasure_decide", args=[request.pk]), {"decision": "approve", "note": ""}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ErasureStatus.CARRIED_OUT and request.decided_by == gedragswetenschapper_a
    child_a.refresh_from_db()
    assert child_a.first_name == "Geanonimiseerd" and "Jansen" not in child_a.full_name
    assert child_a.client_number == f"ANON-{child_a.pk}"
    assert Stay.objects.filter(person=child_a).count() == stays_before
    delete = AuditEvent.objects.get(action=Action.DELETE, client_id=child_a.pk)
    assert delete.user_id == gedragswetenschapper_a.pk and "first_name" in delete.changed_fields
    assert "Noor" not in delete.detail
    # a second request for an anonymised person is refused with a message
    response = _file(client_for, teamleider_a, child_a)
    assert response.status_code == 200 and "already been anonymised" in response.content.decode()


def test_one_open_request_per_person(client_for, teamleider_a, child_a):
    _file(client_for, teamleider_a, child_a)
    response = _file(client_for, teamleider_a, child_a)
    assert response.status_code == 200
    assert "already waiting" in response.content.decode()
    assert ErasureRequest.objects.count() == 1


@pytest.mark.parametrize("role", [Role.KINDERWERKER, Role.MENTOR, Role.GEDRAGSWETENSCHAPPER, Role.FUNCTIONEEL_BEHEERDER, Role.LOGBEHEERDER])
def test_only_teamleider_files(client_for, staff, org_a, child_a, role):
    response = _file(client_for, staff(role, org_a, username=f"y_{role}"), child_a)
    assert response.status_code == 403
    assert not ErasureRequest.objects.exists()


def test_other_organisation_is_404(client_for, staff, org_b, teamleider_a, child_a):
    request = services.do_request_erasure(child_a, reason="asked", actor=teamleider_a)
    tl_b = staff(Role.TEAMLEIDER, org_b, username="tl_b")
    assert _file(client_for, tl_b, child_a).status_code == 404
    response = client_for(tl_b).post(reverse("privacy:erasure_decide", args=[request.pk]), {"decision": "approve"})
    assert response.status_code == 404
    assert client_for(tl_b).get(reverse("privacy:erasure_requests")).context["page"].paginator.count == 0
    request.refresh_from_db()
    assert request.status == ErasureStatus.REQUESTED
