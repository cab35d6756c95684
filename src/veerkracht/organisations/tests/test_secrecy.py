"""A shelter's name or address typed into a plan or referral never reaches a document."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent
from veerkracht.organisations import secrecy
from veerkracht.organisations.models import Location
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.plans import services as plan_services
from veerkracht.plans.models import HelpPlan
from veerkracht.referrals import services as referral_services
from veerkracht.referrals.models import Referral
from veerkracht.safety import services as safety_services
from veerkracht.safety.models import SafetyPlan, SafetyPlanRevision
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def pathway(methodologies_loaded, org_a, location_a, child_a, staff):  # type: ignore[no-untyped-def]
    location_a.address = "Geheime Laan 13\n9999 ZZ Verstopstad"
    location_a.save()
    # another shelter of the same organisation counts too: a family can move between them
    factories.LocationFactory(organisation=org_a, name="Het Baken", region=org_a.regions.first())
    worker = staff(Role.KINDERWERKER, org_a, username="kw_secret")
    return create_pathway_for_stay(child_a.stays.get(), actor=worker), worker


@pytest.fixture
def methodologies_loaded(db):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("load_methodologies", verbosity=0)


@pytest.mark.parametrize("text, found", [
    ("Mijn kamer in De Linde", True),          # the location's name (fixture location_a)
    ("bij de lindeboom", False),               # whole words only
    ("school naast geheime laan 13", True),    # an address line, any case
    ("postcode 9999zz", True),                 # the postcode, with or without its space
    ("Verstopstad centrum", False),            # the city alone is no secret (many shelters share one)
    ("Oma in Het Baken", True),                # another shelter of the organisation
    ("Oma woont in Utrecht", False),
    ("De groepsleiding, juf Anouk", False),
])
def test_markers_are_names_and_address_parts(pathway, text, found):  # type: ignore[no-untyped-def]
    pathway, _worker = pathway
    assert bool(secrecy.fields_mentioning_location(pathway, {"x": text})) is found


def test_a_safety_plan_naming_the_shelter_is_refused_and_nothing_is_saved(pathway):  # type: ignore[no-untyped-def]
    pathway, worker = pathway
    with pytest.raises(ValidationError) as exc:
        safety_services.do_save_safety_plan(pathway, content={"safe_places": "Mijn kamer in De Linde"},
                                            expected_version=0, actor=worker)
    assert exc.value.code == "location" and "Safe places" in exc.value.messages[0]
    assert "De Linde" not in exc.value.messages[0]  # the message names the field, not the location
    assert not SafetyPlan.objects.exists() and not SafetyPlanRevision.objects.exists()


def test_help_plan_texts_and_referrals_naming_the_shelter_are_refused(pathway):  # type: ignore[no-untyped-def]
    pathway, worker = pathway
    with pytest.raises(ValidationError) as exc:
        plan_services.do_save_help_plan(
            pathway, child_view="", parent_view="", expected_version=0, actor=worker,
            goals=[{"domain": "school", "description": "Naar de school bij Geheime Laan 13", "start_score": 3}])
    assert any("Goal 1" in m for m in exc.value.messages)
    assert not HelpPlan.objects.exists()
    for values in ({"to_whom": "Huisarts Geheime Laan 13"}, {"to_whom": "GGZ", "reason": "Woont in Het Baken"},
                   {"to_whom": "GGZ", "note": "Post naar 9999 ZZ"}):
        with pytest.raises(ValidationError):
            referral_services.do_create_referral(pathway, kind="gp", sent_on=TODAY(), actor=worker, **values)
    assert not Referral.objects.exists()


def test_no_pdf_when_a_location_was_renamed_to_a_word_in_the_plan(pathway, client_for, staff, org_a):  # type: ignore[no-untyped-def]
    pathway, worker = pathway
    safety_services.do_save_safety_plan(pathway, content={"safe_places": "De Vuurtoren op school"},
                                        expected_version=0, actor=worker)
    Location.objects.filter(pk=pathway.stay.location_id).update(name="De Vuurtoren")
    type(worker).objects.filter(pk=worker.pk).update(language="en")
    client = client_for(worker)
    response = client.get(reverse("safety:pdf", args=[pathway.pk]) + "?version=older", follow=True)
    assert response.redirect_chain[-1][0] == reverse("safety:plan", args=[pathway.pk])
    assert b"no PDF is made" in response.content
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_documents_are_searched_in_every_string(pathway):  # type: ignore[no-untyped-def]
    import dataclasses

    pathway, _worker = pathway

    @dataclasses.dataclass
    class Line:
        text: str

    @dataclasses.dataclass
    class Doc:
        title: str
        lines: list[Line]
        extra: dict[str, str]
        when: datetime.date

    clean = Doc("Plan", [Line("Oma")], {"a": "School"}, TODAY())
    assert not secrecy.document_mentions_location(pathway, clean)
    assert secrecy.document_mentions_location(pathway, Doc("Plan", [Line("Naar 9999 ZZ")], {}, TODAY()))
    assert secrecy.document_mentions_location(pathway, Doc("Plan", [], {"a": "het baken"}, TODAY()))
