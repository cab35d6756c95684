"""Activity 6: the child's network, its list and its ecomap."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.conftest import verified_client
from veerkracht.network import ecomap, services
from veerkracht.network.models import NetworkMember
from veerkracht.pathway.models import ActivityStatus, Methodology, OrganisationMethodology
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
SVG = "{http://www.w3.org/2000/svg}"


def _xml(text):  # type: ignore[no-untyped-def]
    """Parse our own SVG with the standard library (it is our output, not untrusted input)."""
    return ET.fromstring(text)  # noqa: S314


def _fields(**extra):  # type: ignore[no-untyped-def]
    fields = {"name": "Oma Jansen", "member_type": "person", "relation": "family", "role": "grandmother",
              "quality": "supportive", "contact_allowed": True, "safe_person": True, "reach": "06-12345678", "notes": ""}
    fields.update(extra)
    return fields


def _add(family, **extra):  # type: ignore[no-untyped-def]
    return services.do_add_member(family["pathway"], actor=family["user"], **_fields(**extra))


def _post(**extra):  # type: ignore[no-untyped-def]
    data = {"action": "add", "name": "Meester Bram", "member_type": "person", "relation": "school", "role": "teacher",
            "quality": "neutral", "contact_allowed": "on"}
    data.update(extra)
    return data


def test_add_member_is_encrypted_audited_and_moves_the_activity(family, client_for):
    pathway = family["pathway"]
    url = reverse("network:overview", kwargs={"pk": pathway.pk})
    client = client_for(family["user"])
    response = client.post(url, _post(reach="via school", notes="Kent Noor goed"))
    assert response.status_code == 302
    member = NetworkMember.objects.get()
    assert member.name == "Meester Bram" and member.contact_allowed and not member.safe_person
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name, reach, notes FROM network_networkmember")
        raw = " ".join(cursor.fetchone())
    assert "Bram" not in raw and "school" not in raw and "Noor" not in raw
    event = AuditEvent.objects.get(action="create", object_type="network.networkmember")
    assert "Bram" not in event.detail and event.client_id == family["child"].pk
    assert pathway.activities.get(definition__code="network").status == ActivityStatus.IN_PROGRESS
    reads = AuditEvent.objects.filter(action="read").count()
    content = client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="read").count() == reads + 1
    assert "Meester Bram" in content and "De Linde" not in content
    assert "network/network.css" in content


def test_a_risk_can_never_be_a_safe_person(family, client_for):
    with pytest.raises(ValidationError) as exc:
        _add(family, quality="risk", safe_person=True)
    assert "Someone who is a risk to the child cannot be a safe person." in exc.value.messages
    url = reverse("network:overview", kwargs={"pk": family["pathway"].pk})
    response = client_for(family["user"]).post(url, _post(quality="risk", safe_person="on"))
    assert response.status_code == 200
    assert "Someone who is a risk to the child cannot be a safe person." in response.content.decode()
    member = _add(family, quality="supportive", safe_person=True)
    with pytest.raises(ValidationError):
        services.do_update_member(member, expected_version=1, actor=family["user"], **_fields(quality="risk"))
    assert NetworkMember.objects.get().quality == "supportive"
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it as well
        NetworkMember.objects.filter(pk=member.pk).update(quality="risk")


def test_svg_escapes_names_and_has_a_safe_content_type(family, client_for):
    _add(family, name='<script>alert("x")</script> & Co', role="<b>coach</b>", quality="risk", safe_person=False,
         contact_allowed=False)
    url = reverse("network:ecomap", kwargs={"pk": family["pathway"].pk})
    reads = AuditEvent.objects.filter(action="read", detail="ecomap svg").count()
    response = client_for(family["user"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert AuditEvent.objects.filter(action="read", detail="ecomap svg").count() == reads + 1
    body = response.content.decode()
    assert "<script" not in body and "<b>" not in body
    root = _xml(response.content)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "<script>" in texts  # shown as harmless text
    assert not list(root.iter(f"{SVG}script"))
    # the overview page, with the same SVG inline, escapes as well
    page = client_for(family["user"]).get(reverse("network:overview", kwargs={"pk": family["pathway"].pk}))
    assert "<script>alert" not in page.content.decode()


def _parse(child, members):  # type: ignore[no-untyped-def]
    return _xml(ecomap.render_svg(child, members, standalone=True).encode())


def test_ecomap_with_no_members_is_valid(family):
    root = _parse(family["child"], [])
    assert root.find(f"{SVG}title").text.endswith(family["child"].first_name)
    assert root.find(f"{SVG}desc") is not None
    assert root.get("aria-labelledby") == "ecomap-title"
    assert not root.findall(f".//{SVG}g[@data-member]")
    assert family["child"].last_name not in ET.tostring(root, encoding="unicode")  # first name only


@pytest.mark.parametrize("language", ["nl", "en"])
def test_ecomap_with_30_members_is_valid_and_truncates_labels(family, language):
    from django.utils import translation

    qualities = ["supportive", "neutral", "risk"]
    members = [
        NetworkMember(pk=i + 1, pathway=family["pathway"], name=f"Een heel erg lange naam nummer {i} van de buren\x07",
                      member_type="organisation" if i % 4 == 0 else "person", relation="neighbour", role="buurvrouw",
                      quality=qualities[i % 3], contact_allowed=i % 5 != 0, safe_person=i % 3 == 0)
        for i in range(30)
    ]
    with translation.override(language):
        root = _parse(family["child"], members)
    groups = root.findall(f".//{SVG}g[@data-member]")
    assert len(groups) == 30
    for group in groups:
        label = group.findall(f"{SVG}text")[0].text
        assert len(label) <= 14 and label.endswith("\u2026")
    # coordinates are plain numbers (never a localised "500,0")
    for circle in root.iter(f"{SVG}circle"):
        float(circle.get("cx")), float(circle.get("cy"))
    positions = {(c.get("cx"), c.get("cy")) for g in groups for c in g.findall(f"{SVG}circle")}
    assert len(positions) == len([g for g in groups if g.find(f"{SVG}circle") is not None])  # no two on one spot
    assert len(root.findall(f".//{SVG}polyline[@data-quality='risk']")) == 10
    assert len(root.findall(f".//{SVG}g[@data-no-contact]")) == 6
    assert len(root.findall(f".//{SVG}polygon[@data-safe]")) == 10
    assert len(root.findall(f".//{SVG}line[@data-quality='supportive']")) == 10
    assert len(root.findall(f".//{SVG}line[@data-quality='neutral']")) == 10


def test_line_styles_do_not_rely_on_colour(family):
    members = [
        NetworkMember(pk=1, name="A", relation="family", quality="supportive"),
        NetworkMember(pk=2, name="B", relation="friend", quality="neutral"),
        NetworkMember(pk=3, name="C", relation="family", quality="risk", contact_allowed=False),
    ]
    root = _parse(family["child"], members)
    supportive = root.find(f".//{SVG}line[@data-quality='supportive']")
    neutral = root.find(f".//{SVG}line[@data-quality='neutral']")
    assert float(supportive.get("stroke-width")) >= 3 * float(neutral.get("stroke-width"))
    assert neutral.get("stroke-dasharray") and not supportive.get("stroke-dasharray")
    assert len(root.find(f".//{SVG}polyline[@data-quality='risk']").get("points").split()) > 5  # zig-zag
    desc = root.find(f"{SVG}desc").text
    assert "no contact allowed" in desc and "a risk" in desc


def test_concurrent_edit_is_refused_and_input_kept(family, client_for):
    member = _add(family, notes="Origineel")
    services.do_update_member(member, expected_version=1, actor=family["user"], **_fields(notes="Door collega"))
    url = reverse("network:member", kwargs={"pk": member.pk})
    data = _post(action="save", name="Oma Jansen", notes="Mijn tekst", version="1")
    response = client_for(family["user"]).post(url, data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record" in content
    assert "Mijn tekst" in content and "Door collega" in content
    member.refresh_from_db()
    assert member.notes == "Door collega"


def test_delete_needs_confirmation_and_is_audited(family, client_for):
    member = _add(family)
    url = reverse("network:member", kwargs={"pk": member.pk})
    client = client_for(family["user"])
    assert client.post(url, {"action": "delete", "delete-version": "1"}).status_code == 200
    assert NetworkMember.objects.filter(pk=member.pk).exists()
    # a stale version is refused
    client.post(url, {"action": "delete", "delete-version": "0", "delete-confirm": "on"})
    assert NetworkMember.objects.filter(pk=member.pk).exists()
    response = client.post(url, {"action": "delete", "delete-version": "1", "delete-confirm": "on"})
    assert response.status_code == 302
    assert not NetworkMember.objects.filter(pk=member.pk).exists()
    event = AuditEvent.objects.get(action="delete")
    assert event.object_type == "network.networkmember" and event.object_id == str(member.pk)


def test_other_organisation_gets_404(family, client_for, org_b, staff):
    member = _add(family)
    client = client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b"))
    pk = family["pathway"].pk
    assert client.get(reverse("network:overview", kwargs={"pk": pk})).status_code == 404
    assert client.get(reverse("network:ecomap", kwargs={"pk": pk})).status_code == 404
    assert client.get(reverse("network:member", kwargs={"pk": member.pk})).status_code == 404
    assert client.post(reverse("network:member", kwargs={"pk": member.pk}),
                       {"action": "delete", "delete-version": "1", "delete-confirm": "on"}).status_code == 404
    assert NetworkMember.objects.filter(pk=member.pk).exists()


def test_overview_queries_are_bounded(family, client_for, django_assert_max_num_queries):
    for i in range(20):
        _add(family, name=f"Lid {i}", quality=["supportive", "neutral", "risk"][i % 3], safe_person=i % 3 == 0)
    client = client_for(family["user"])
    url = reverse("network:overview", kwargs={"pk": family["pathway"].pk})
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.content.decode().count("<tr data-member=") == 20


def test_completion_under_2012_and_not_offered_under_2018(family, client_for, org_a, location_a):
    pathway = family["pathway"]
    url = reverse("network:overview", kwargs={"pk": pathway.pk})
    client = client_for(family["user"])
    _add(family)
    response = client.post(url, {"action": "complete", "done-completed_on": TODAY().isoformat()})
    assert response.status_code == 302
    activity = pathway.activities.get(definition__code="network")
    assert activity.status == ActivityStatus.DONE and activity.completed_on == TODAY()

    OrganisationMethodology.objects.create(organisation=org_a, methodology=Methodology.objects.get(version="2018"))
    child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
    pathway18 = create_pathway_for_stay(factories.StayFactory(person=child, location=location_a), actor=family["user"])
    url18 = reverse("network:overview", kwargs={"pk": pathway18.pk})
    assert 'name="done-completed_on"' not in client.get(url18).content.decode()
    services.do_add_member(pathway18, actor=family["user"], **_fields())
    client.post(url18, {"action": "complete", "done-completed_on": TODAY().isoformat()})  # ignored: not offered
    with pytest.raises(ValidationError):
        services.do_complete_network(pathway18, completed_on=TODAY(), actor=family["user"])
    exploration = pathway18.activities.get(definition__code="exploration")
    assert exploration.status == ActivityStatus.IN_PROGRESS and exploration.completed_on is None


def test_completion_date_in_the_future_is_refused(family, client_for):
    _add(family)
    url = reverse("network:overview", kwargs={"pk": family["pathway"].pk})
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()
    response = client_for(family["user"]).post(url, {"action": "complete", "done-completed_on": future})
    assert response.status_code == 200
    assert family["pathway"].activities.get(definition__code="network").status == ActivityStatus.IN_PROGRESS


def test_dutch_page_renders_a_valid_inline_ecomap(family):
    _add(family)
    User.objects.filter(pk=family["user"].pk).update(language="nl")
    response = verified_client(family["user"]).get(reverse("network:overview", kwargs={"pk": family["pathway"].pk}))
    content = response.content.decode()
    svg = content[content.index("<svg"):content.index("</svg>") + 6]
    root = _xml(svg)
    assert float(root.find(f".//{SVG}circle").get("cx")) == 600.0  # not a localised "600,0"


def test_timeline_network_mapped(family):
    from veerkracht.network.timeline import entries

    assert entries(family["child"]) == []
    _add(family)
    _add(family, name="Buurman", relation="neighbour", safe_person=False)
    (entry,) = entries(family["child"])
    assert entry.kind == "network" and entry.date == TODAY() and "2" in entry.detail
    assert "Oma" not in entry.title + entry.detail
