"""After discharge the step plan is closed (ADR 0010): the network and ecomap can be read, not changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.network import services
from veerkracht.network.models import NetworkMember
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


def _fields(**extra):  # type: ignore[no-untyped-def]
    fields = {"name": "Oma Jansen", "member_type": "person", "relation": "family", "role": "grandmother",
              "quality": "supportive", "contact_allowed": True, "safe_person": True, "reach": "06-12345678",
              "notes": "Haalt Noor op woensdag"}
    fields.update(extra)
    return fields


def _post(**extra):  # type: ignore[no-untyped-def]
    data = {"action": "add", "name": "Meester Bram", "member_type": "person", "relation": "school", "role": "teacher",
            "quality": "neutral", "contact_allowed": "on"}
    data.update(extra)
    return data


@pytest.fixture
def closed(family):  # type: ignore[no-untyped-def]
    """The family with one network member, then discharged."""
    member = services.do_add_member(family["pathway"], actor=family["user"], **_fields())
    pathway = discharge(family["pathway"], family["user"])
    return {**family, "pathway": pathway, "member": NetworkMember.objects.get(pk=member.pk)}


def _unchanged(closed) -> None:  # type: ignore[no-untyped-def]
    member = NetworkMember.objects.get()
    assert (member.pk, member.name, member.version) == (closed["member"].pk, "Oma Jansen", closed["member"].version)
    assert closed["pathway"].activities.get(definition__code="network").status == ActivityStatus.NOT_DONE


def test_the_services_refuse_every_change(closed):
    user, pathway, member = closed["user"], closed["pathway"], closed["member"]
    attempts = [
        lambda: services.do_add_member(pathway, actor=user, **_fields(name="Meester Bram")),
        lambda: services.do_update_member(member, expected_version=member.version, actor=user,
                                          **_fields(name="Oma Pietersen")),
        lambda: services.do_delete_member(member, expected_version=member.version, actor=user),
        lambda: services.do_complete_network(pathway, completed_on=TODAY(), actor=user),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.code == "closed"
    _unchanged(closed)


def test_posts_after_discharge_change_nothing_and_say_why(closed, client_for):
    client = client_for(closed["user"])
    member = closed["member"]
    overview = reverse("network:overview", kwargs={"pk": closed["pathway"].pk})
    member_url = reverse("network:member", kwargs={"pk": member.pk})
    posts = [
        (overview, _post()),
        (member_url, _post(action="save", name="Oma Pietersen", version=member.version)),
        (member_url, {"action": "delete", "delete-version": member.version, "delete-confirm": "on"}),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.redirect_chain == [(url, 302)], url
        html = main(response)
        assert CLOSED in html and notice() in html
    _unchanged(closed)


def test_the_pages_show_the_notice_network_and_ecomap_without_forms(closed, client_for):
    client = client_for(closed["user"])
    member = closed["member"]
    overview = main(client.get(reverse("network:overview", kwargs={"pk": closed["pathway"].pk})))
    member_page = main(client.get(reverse("network:member", kwargs={"pk": member.pk})))
    for html in (overview, member_page):
        assert notice() in html
        assert "<form" not in html and 'type="submit"' not in html
    assert f'data-member="{member.pk}"' in overview and "<svg" in overview  # the list and the ecomap stay
    assert "Add a network member" not in overview and "Complete the activity" not in overview
    assert "Haalt Noor op woensdag" in member_page  # the notes, read-only
    assert "Delete this network member" not in member_page


def test_open_pathway_pages_still_have_their_forms(family, client_for):
    html = main(client_for(family["user"]).get(reverse("network:overview", kwargs={"pk": family["pathway"].pk})))
    assert '<form method="post"' in html and "closed at discharge" not in html
