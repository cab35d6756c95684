"""After discharge the step plan is closed (ADR 0010): the intake can be read, no longer changed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.intake import services
from veerkracht.intake.models import IntakeRecord
from veerkracht.meldcode.models import MeldcodeTrack
from veerkracht.pathway import services as pathway_services
from veerkracht.pathway.models import ActivityStatus, Pathway

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
CLOSED = "This pathway was closed at discharge and can no longer be changed."


def today() -> datetime.date:
    return timezone.localdate()


def discharge(pathway, actor):  # type: ignore[no-untyped-def]
    """The real discharge: every open activity 'not done'; returns the reloaded, closed pathway."""
    stay = pathway.stay
    stay.refresh_from_db()
    outcomes = {
        a.pk: pathway_services.Outcome(status=ActivityStatus.NOT_DONE, reason="stay ended early")
        for a in pathway.activities.all() if not a.is_closed
    }
    pathway_services.do_discharge_child(stay, discharge_date=today(), destination="own_home", outcomes=outcomes,
                                        expected_version=stay.version, actor=actor)
    closed = Pathway.objects.get(pk=pathway.pk)
    assert closed.closed_on == today()
    return closed


def main(response) -> str:  # type: ignore[no-untyped-def]
    """The page's own content (the header's logout and language forms left out)."""
    return response.content.decode().split('<main id="main"')[1].split("</main>")[0]


def save(pathway, actor, **kwargs):  # type: ignore[no-untyped-def]
    options = {k: kwargs.pop(k) for k in ("expected_version", "start_meldcode", "completed_on") if k in kwargs}
    kwargs.setdefault("conversation_date", today() - DAY)
    return services.do_save_intake(pathway, data=services.IntakeData(**kwargs), actor=actor, **options)


def test_the_service_refuses_a_change_and_a_first_intake(make_pathway, worker):
    pathway = make_pathway()
    intake = save(pathway, worker, how_child_is_doing="Slaapt slecht")
    pathway = discharge(pathway, worker)
    with pytest.raises(ValidationError) as exc:
        save(pathway, worker, how_child_is_doing="Later bijgewerkt", safety_concerns="Zorgen",
             start_meldcode=True, expected_version=intake.version)
    assert exc.value.code == "closed"
    stored = IntakeRecord.objects.get(pathway=pathway)
    assert (stored.how_child_is_doing, stored.version) == ("Slaapt slecht", intake.version)
    assert not MeldcodeTrack.objects.exists()

    empty = discharge(make_pathway(), worker)
    with pytest.raises(ValidationError) as exc:
        save(empty, worker, how_child_is_doing="Na de uitstroom")
    assert exc.value.code == "closed"
    assert not IntakeRecord.objects.filter(pathway=empty).exists()


def test_a_post_after_discharge_changes_nothing_and_says_why(make_pathway, worker, client_for):
    pathway = make_pathway()
    intake = save(pathway, worker, how_child_is_doing="Slaapt slecht")
    url = reverse("intake:edit", args=[pathway.pk])
    client = client_for(worker)
    client.get(url)  # the page was opened before the discharge
    discharge(pathway, worker)
    response = client.post(url, {
        "conversation_date": (today() - DAY).isoformat(), "conducted_by": worker.pk,
        "how_child_is_doing": "Mijn getypte tekst", "version": intake.version,
    }, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert CLOSED in main(response)
    stored = IntakeRecord.objects.get(pathway=pathway)
    assert (stored.how_child_is_doing, stored.version) == ("Slaapt slecht", intake.version)


def test_the_page_shows_the_notice_and_the_intake_without_a_form(make_pathway, worker, client_for):
    pathway = make_pathway()
    save(pathway, worker, how_child_is_doing="Slaapt slecht", safety_concerns="Blauwe plekken")
    pathway = discharge(pathway, worker)
    response = client_for(worker).get(reverse("intake:edit", args=[pathway.pk]))
    assert response.status_code == 200
    html = main(response)
    date = today().strftime("%d-%m-%Y")
    assert (f"This step plan was closed at discharge on {date}: what is recorded here can be read, "
            "but no longer changed.") in html
    assert "Slaapt slecht" in html and "Blauwe plekken" in html
    assert "<form" not in html and 'type="submit"' not in html


def test_an_open_pathway_still_has_the_form(make_pathway, worker, client_for):
    pathway = make_pathway()
    html = main(client_for(worker).get(reverse("intake:edit", args=[pathway.pk])))
    assert '<form method="post"' in html and "closed at discharge" not in html
