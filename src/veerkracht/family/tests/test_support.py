"""Activity 8: support of parents."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import PersonKind
from veerkracht.family import services
from veerkracht.family.models import ParentSupportItem, SupportKind
from veerkracht.pathway.models import ActivityStatus
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _item_data(parent, **extra):  # type: ignore[no-untyped-def]
    data = {"action": "add", "parent": parent.pk, "kind": "contact", "date": TODAY().isoformat(),
            "description": "Gesprek over bedtijden"}
    data.update(extra)
    return data


def _add(family, **extra):  # type: ignore[no-untyped-def]
    fields = {"parent": family["mother"], "kind": SupportKind.CONTACT, "date": TODAY(), "description": "Gesprek",
              "referred_to": "", "referral_status": "", "participated": None}
    fields.update(extra)
    return services.do_add_support_item(family["pathway"], actor=family["user"], **fields)


def test_add_every_kind_and_list_newest_first(family, client_for):
    pathway = family["pathway"]
    url = reverse("family:support", kwargs={"pk": pathway.pk})
    client = client_for(family["user"])
    yesterday = (TODAY() - datetime.timedelta(days=1)).isoformat()
    assert client.post(url, _item_data(family["mother"], date=yesterday)).status_code == 302
    assert client.post(url, _item_data(family["mother"], kind="offer")).status_code == 302
    assert client.post(url, _item_data(family["father"], kind="referral", referred_to="Opvoedpoli",
                                       referral_status="proposed")).status_code == 302
    assert client.post(url, _item_data(family["mother"], kind="session", participated="no")).status_code == 302
    assert ParentSupportItem.objects.count() == 4
    session = ParentSupportItem.objects.get(kind="session")
    assert session.participated is False and session.referral_status == ""
    assert AuditEvent.objects.filter(action="create", object_type="family.parentsupportitem").count() == 4
    assert pathway.activities.get(definition__code="parent_support").status == ActivityStatus.IN_PROGRESS
    content = client.get(url).content.decode()
    rows = [int(part.split('"')[0]) for part in content.split('data-item="')[1:]]
    assert rows[-1] == ParentSupportItem.objects.get(date=TODAY() - datetime.timedelta(days=1)).pk
    assert "Opvoedpoli" in content and "De Linde" not in content


def test_referral_needs_whom_and_status_session_needs_participation(family, client_for):
    url = reverse("family:support", kwargs={"pk": family["pathway"].pk})
    client = client_for(family["user"])
    response = client.post(url, _item_data(family["mother"], kind="referral"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Fill in to whom the parent was referred." in content
    assert "Choose the status of the referral." in content
    response = client.post(url, _item_data(family["mother"], kind="session"))
    assert "Say whether the parent participated." in response.content.decode()
    with pytest.raises(ValidationError):
        _add(family, kind=SupportKind.REFERRAL, referred_to="Poli", referral_status="bogus")
    assert not ParentSupportItem.objects.exists()


def test_parent_must_be_a_parent_of_this_child(family, client_for, org_a):
    stranger = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a), kind=PersonKind.MOTHER)
    with pytest.raises(ValidationError) as exc:
        _add(family, parent=stranger)
    assert "Choose a parent of this child." in exc.value.messages
    url = reverse("family:support", kwargs={"pk": family["pathway"].pk})
    assert client_for(family["user"]).post(url, _item_data(stranger)).status_code == 200
    assert not ParentSupportItem.objects.exists()


def test_edit_with_concurrent_change_is_refused_and_input_kept(family, client_for):
    item = _add(family, description="Origineel")
    services.do_update_support_item(item, expected_version=1, actor=family["user"], parent=family["mother"],
                                    kind="contact", date=TODAY(), description="Door collega", referred_to="",
                                    referral_status="", participated=None)
    url = reverse("family:support_item", kwargs={"pk": item.pk})
    data = _item_data(family["mother"], action="save", description="Mijn tekst", version="1")
    response = client_for(family["user"]).post(url, data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record" in content
    assert "Mijn tekst" in content and "Door collega" in content
    item.refresh_from_db()
    assert item.description == "Door collega"


def test_delete_needs_confirmation_and_is_audited(family, client_for):
    item = _add(family)
    url = reverse("family:support_item", kwargs={"pk": item.pk})
    client = client_for(family["user"])
    response = client.post(url, {"action": "delete", "delete-version": "1"})
    assert response.status_code == 200
    assert "Tick the box to confirm the deletion." in response.content.decode()
    assert ParentSupportItem.objects.filter(pk=item.pk).exists()
    response = client.post(url, {"action": "delete", "delete-version": "1", "delete-confirm": "on"})
    assert response.status_code == 302
    assert not ParentSupportItem.objects.filter(pk=item.pk).exists()
    event = AuditEvent.objects.get(action="delete")
    assert event.object_type == "family.parentsupportitem" and event.object_id == str(item.pk)
    assert event.client_id == family["child"].pk


def test_completion_under_2012(family, client_for):
    pathway = family["pathway"]
    url = reverse("family:support", kwargs={"pk": pathway.pk})
    client = client_for(family["user"])
    response = client.post(url, {"action": "complete", "done-completed_on": TODAY().isoformat()})
    assert "Add at least one support item" in response.content.decode()
    _add(family)
    response = client.post(url, {"action": "complete", "done-completed_on": TODAY().isoformat()})
    assert response.status_code == 302
    activity = pathway.activities.get(definition__code="parent_support")
    assert activity.status == ActivityStatus.DONE and activity.completed_on == TODAY()
    assert 'name="done-completed_on"' not in client.get(url).content.decode()  # not offered once done


def test_other_organisation_gets_404(family, client_for, org_b, staff):
    item = _add(family)
    user_b = staff(Role.TEAMLEIDER, org_b, username="tl_b")
    client = client_for(user_b)
    assert client.get(reverse("family:support", kwargs={"pk": family["pathway"].pk})).status_code == 404
    assert client.get(reverse("family:support_item", kwargs={"pk": item.pk})).status_code == 404
    response = client.post(reverse("family:support_item", kwargs={"pk": item.pk}),
                           {"action": "delete", "delete-version": "1", "delete-confirm": "on"})
    assert response.status_code == 404
    assert ParentSupportItem.objects.filter(pk=item.pk).exists()


def test_support_page_queries_are_bounded(family, client_for, django_assert_max_num_queries):
    for i in range(20):
        _add(family, date=TODAY() - datetime.timedelta(days=i), parent=family["mother"] if i % 2 else family["father"])
    client = client_for(family["user"])
    url = reverse("family:support", kwargs={"pk": family["pathway"].pk})
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.content.decode().count("data-item=") == 20


def test_timeline_has_each_support_item(family):
    from veerkracht.family.timeline import entries

    _add(family)
    _add(family, kind=SupportKind.REFERRAL, referred_to="Geheime poli", referral_status="accepted")
    found = [e for e in entries(family["child"]) if e.kind == "parent_support"]
    assert len(found) == 2
    assert all("Geheime" not in e.title + e.detail for e in found)
