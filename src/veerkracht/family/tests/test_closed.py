"""After discharge the step plan is closed (ADR 0010): parenting and parent support can be read, not changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.family import services
from veerkracht.family.models import ParentingAssessment, ParentSupportItem, SupportKind
from veerkracht.pathway import services as pathway_services
from veerkracht.pathway.models import ActivityStatus, Pathway

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
CLOSED = "This pathway was closed at discharge and can no longer be changed."


def discharge(pathway, actor):  # type: ignore[no-untyped-def]
    """The real discharge: every open activity 'not done'; returns the reloaded, closed pathway."""
    stay = pathway.stay
    stay.refresh_from_db()
    outcomes = {
        a.pk: pathway_services.Outcome(status=ActivityStatus.NOT_DONE, reason="stay ended early")
        for a in pathway.activities.all() if not a.is_closed
    }
    pathway_services.do_discharge_child(stay, discharge_date=TODAY(), destination="own_home", outcomes=outcomes,
                                        expected_version=stay.version, actor=actor)
    closed = Pathway.objects.get(pk=pathway.pk)
    assert closed.closed_on == TODAY()
    return closed


def main(response) -> str:  # type: ignore[no-untyped-def]
    """The page's own content (the header's logout and language forms left out)."""
    return response.content.decode().split('<main id="main"')[1].split("</main>")[0]


def notice() -> str:
    date = TODAY().strftime("%d-%m-%Y")
    return f"This step plan was closed at discharge on {date}: what is recorded here can be read, but no longer changed."


def _item_fields(family, **extra):  # type: ignore[no-untyped-def]
    fields = {"parent": family["mother"], "kind": SupportKind.CONTACT, "date": TODAY(), "description": "Gesprek",
              "referred_to": "", "referral_status": "", "participated": None}
    fields.update(extra)
    return fields


def _item_post(family, **extra):  # type: ignore[no-untyped-def]
    data = {"action": "add", "parent": family["mother"].pk, "kind": "contact", "date": TODAY().isoformat(),
            "description": "Na de uitstroom"}
    data.update(extra)
    return data


def _save_parenting(pathway, actor, **extra):  # type: ignore[no-untyped-def]
    values = {"parent": None, "conversation_date": TODAY(), "topics": {"health": "Gezond"}, "expected_version": 0}
    values.update(extra)
    return services.do_save_parenting(pathway, actor=actor, **values)


@pytest.fixture
def closed(family):  # type: ignore[no-untyped-def]
    """The family with a parenting assessment and one support item, then discharged."""
    user = family["user"]
    assessment = _save_parenting(family["pathway"], user)
    item = services.do_add_support_item(family["pathway"], actor=user, **_item_fields(family))
    pathway = discharge(family["pathway"], user)
    return {**family, "pathway": pathway, "assessment": assessment, "item": ParentSupportItem.objects.get(pk=item.pk)}


def _unchanged(closed) -> None:  # type: ignore[no-untyped-def]
    assessment = ParentingAssessment.objects.get()
    assert (assessment.health, assessment.version) == ("Gezond", closed["assessment"].version)
    item = ParentSupportItem.objects.get()
    assert (item.pk, item.description, item.version) == (closed["item"].pk, "Gesprek", closed["item"].version)
    assert closed["pathway"].activities.get(definition__code="parent_support").status == ActivityStatus.NOT_DONE


def test_the_services_refuse_every_change(closed):
    user, pathway, item = closed["user"], closed["pathway"], closed["item"]
    attempts = [
        lambda: _save_parenting(pathway, user, topics={"health": "Later"}, expected_version=closed["assessment"].version),
        lambda: services.do_add_support_item(pathway, actor=user, **_item_fields(closed)),
        lambda: services.do_update_support_item(item, expected_version=item.version, actor=user,
                                                **_item_fields(closed, description="Later")),
        lambda: services.do_delete_support_item(item, expected_version=item.version, actor=user),
        lambda: services.do_complete_parent_support(pathway, completed_on=TODAY(), actor=user),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.code == "closed"
    _unchanged(closed)


def test_posts_after_discharge_change_nothing_and_say_why(closed, client_for):
    client = client_for(closed["user"])
    pathway, item = closed["pathway"], closed["item"]
    parenting = reverse("family:parenting", kwargs={"pk": pathway.pk})
    support = reverse("family:support", kwargs={"pk": pathway.pk})
    item_url = reverse("family:support_item", kwargs={"pk": item.pk})
    posts = [
        (parenting, {"conversation_date": TODAY().isoformat(), "health": "Later",
                     "version": closed["assessment"].version}),
        (support, _item_post(closed)),
        (item_url, _item_post(closed, action="save", version=item.version)),
        (item_url, {"action": "delete", "delete-version": item.version, "delete-confirm": "on"}),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.redirect_chain == [(url, 302)], url
        html = main(response)
        assert CLOSED in html and notice() in html
    _unchanged(closed)


def test_the_pages_show_the_notice_and_the_records_without_forms(closed, client_for):
    client = client_for(closed["user"])
    pathway, item = closed["pathway"], closed["item"]
    parenting = main(client.get(reverse("family:parenting", kwargs={"pk": pathway.pk})))
    support = main(client.get(reverse("family:support", kwargs={"pk": pathway.pk})))
    item_page = main(client.get(reverse("family:support_item", kwargs={"pk": item.pk})))
    for html in (parenting, support, item_page):
        assert notice() in html
        assert "<form" not in html and 'type="submit"' not in html
    assert "Gezond" in parenting
    assert "Gesprek" in support and f'data-item="{item.pk}"' in support
    assert "Add a support item" not in support and "Complete the activity" not in support
    assert "Gesprek" in item_page and "Delete this item" not in item_page


def test_open_pathway_pages_still_have_their_forms(family, client_for):
    client = client_for(family["user"])
    html = main(client.get(reverse("family:support", kwargs={"pk": family["pathway"].pk})))
    assert '<form method="post"' in html and "closed at discharge" not in html
