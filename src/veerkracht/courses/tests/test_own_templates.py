"""An organisation's own course templates: the "Courses" overview, a new course, editing it (validation,
version check, no change of the number of sessions once groups use it, deactivating), scoping to the own
organisation; shipped courses are never changed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.courses import queries, services
from veerkracht.courses.models import CourseTemplate, Group

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
TOPICS = ["Kennismaken", "Gevoelens", "Veiligheid", "Afscheid"]


def course_data(**changes):  # type: ignore[no-untyped-def]
    data = {"name": "Sterk samen", "min_age": 8, "max_age": 12, "sessions": 4, "minutes": 60, "max_children": 6,
            "parent_sessions": 2, "focus_on_violence": "on", "child_instruments": ["cats-self-7-17"],
            "caregiver_instruments": ["cats-caregiver-7-17"], "topics": "\n".join(TOPICS), "active": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def values(**changes):  # type: ignore[no-untyped-def]
    data = {"name": "Sterk samen", "min_age": 8, "max_age": 12, "sessions": 4, "minutes": 60, "max_children": 6,
            "parent_sessions": 2, "focus_on_violence": True, "instruments": ["cats-self-7-17"], "topics": TOPICS,
            "active": True}
    return data | changes


def test_a_worker_makes_an_own_course_and_makes_a_group_from_it(worker, client_for):
    client = client_for(worker)
    overview = client.get(reverse("courses:list")).content.decode()
    assert reverse("courses:courses") in overview
    assert "Questionnaires for the child" in client.get(reverse("courses:template_create")).content.decode()
    response = client.post(reverse("courses:template_create"), course_data())
    assert response.status_code == 302 and response["Location"] == reverse("courses:courses")
    own = CourseTemplate.objects.get(organisation=worker.membership_or_none.organisation)
    assert (own.code, own.name, own.min_age, own.max_age, own.sessions, own.minutes, own.max_children,
            own.parent_sessions, own.focus_on_violence, own.active) == (
        "sterk-samen", "Sterk samen", 8, 12, 4, 60, 6, 2, True, True)
    assert own.instruments == ["cats-self-7-17", "cats-caregiver-7-17"] and own.topics == TOPICS
    assert AuditEvent.objects.filter(action="create", object_id=str(own.pk), detail__contains="sterk-samen").exists()
    page = client.get(reverse("courses:courses")).content.decode()
    assert "Sterk samen" in page and reverse("courses:template_edit", args=[own.pk]) in page
    assert "En nu ik...!" in page and reverse("courses:topics", args=[CourseTemplate.objects.get(
        code="en-nu-ik", organisation=None).pk]) in page
    assert "Sterk samen" in client.get(reverse("courses:create")).content.decode()
    group = services.do_create_group(template=own, name="Sterk samen voorjaar", start_date=TODAY(), actor=worker)
    assert group.sessions.filter(kind="child").count() == 4 and group.sessions.filter(kind="parent").count() == 2
    assert list(group.sessions.filter(kind="child").order_by("number").values_list("topic", flat=True)) == TOPICS


@pytest.mark.parametrize(("changes", "message"), [
    ({"min_age": 19}, "Fill in an age from 0 to 18 years."),
    ({"min_age": -1}, "Fill in an age from 0 to 18 years."),
    ({"min_age": 12, "max_age": 8}, "The minimum age cannot be above the maximum age."),
    ({"sessions": 0, "topics": ""}, "The number of child sessions must be from 1 to 30."),
    ({"sessions": 31, "topics": ""}, "The number of child sessions must be from 1 to 30."),
    ({"parent_sessions": 31}, "The number of parent sessions must be from 0 to 30."),
    ({"minutes": 14}, "The minutes per session must be from 15 to 240."),
    ({"minutes": 241}, "The minutes per session must be from 15 to 240."),
    ({"max_children": 21}, "The maximum number of children must be from 1 to 20."),
    ({"max_children": 0}, "The maximum number of children must be from 1 to 20."),
    ({"topics": "Een\nTwee"}, "Fill in one topic per child session (4), or none at all; you filled in 2."),
    ({"topics": "Een\n\nDrie\nVier"}, "A topic is empty: fill in one topic per line."),
    ({"min_age": 3, "max_age": 5, "caregiver_instruments": []},
     "is for ages 7 to 17 and does not fit the ages of the course."),
    ({"name": "  "}, "This field is required."),
])
def test_bad_input_gives_a_clear_message_and_keeps_the_input(worker, client_for, changes, message):
    response = client_for(worker).post(reverse("courses:template_create"), course_data(**changes))
    text = response.content.decode()
    assert response.status_code == 200 and message in text
    assert "Kennismaken" in text or "topics" in changes  # the input is still in the form
    assert not CourseTemplate.objects.exclude(organisation=None).exists()


def test_the_service_refuses_unknown_and_parent_questionnaires_and_a_duplicate_name(worker):
    for instrument in ("does-not-exist", "phq-9", "exposure-to-violence"):
        with pytest.raises(ValidationError) as refused:
            services.do_create_course_template(values=values(instruments=[instrument]), actor=worker)
        assert refused.value.error_list[0].code == "instruments"
    services.do_create_course_template(values=values(), actor=worker)
    with pytest.raises(ValidationError, match="already has a course with this name"):
        services.do_create_course_template(values=values(name="sterk  SAMEN"), actor=worker)
    # no topics at all is allowed
    assert services.do_create_course_template(values=values(name="Zonder onderwerpen", topics=[]),
                                              actor=worker).topics == []


def test_the_code_never_takes_a_shipped_code(en_nu_ik, worker, client_for):
    own = services.do_create_course_template(values=values(name="En nu ik...!"), actor=worker)
    assert own.code == "en-nu-ik-2"
    again = services.do_create_course_template(values=values(name="En nu ik!"), actor=worker)
    assert again.code == "en-nu-ik-3"
    offered = {t.pk for t in queries.templates_for(worker)}
    assert {en_nu_ik.pk, own.pk, again.pk} <= offered  # the shipped course is still offered


def test_only_the_own_organisation_sees_and_uses_its_course(worker, worker_b, client_for):
    own = services.do_create_course_template(values=values(), actor=worker)
    client_b = client_for(worker_b)
    assert "Sterk samen" not in client_b.get(reverse("courses:courses")).content.decode()
    assert "Sterk samen" not in client_b.get(reverse("courses:create")).content.decode()
    assert client_b.get(reverse("courses:template_edit", args=[own.pk])).status_code == 404
    assert client_b.post(reverse("courses:template_edit", args=[own.pk]),
                         course_data(name="Overgenomen", version=own.version)).status_code == 404
    assert client_b.get(reverse("courses:topics", args=[own.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.do_update_course_template(own, values=values(name="Overgenomen"), expected_version=own.version,
                                           actor=worker_b)
    with pytest.raises(PermissionDenied):
        services.do_create_group(template=own, name="Groep B", start_date=TODAY(), actor=worker_b)
    with pytest.raises(Http404):
        queries.get_own_template(worker_b, own.pk)
    own.refresh_from_db()
    assert own.name == "Sterk samen" and not Group.objects.exists()


def test_a_shipped_course_is_never_changed(en_nu_ik, worker, client_for):
    before = {name: getattr(en_nu_ik, name) for name in services.OWN_TEMPLATE_FIELDS}
    client = client_for(worker)
    assert client.get(reverse("courses:template_edit", args=[en_nu_ik.pk])).status_code == 404
    assert client.post(reverse("courses:template_edit", args=[en_nu_ik.pk]),
                       course_data(version=en_nu_ik.version)).status_code == 404
    with pytest.raises(PermissionDenied):
        services.do_update_course_template(en_nu_ik, values=values(), expected_version=en_nu_ik.version,
                                           actor=worker)
    en_nu_ik.refresh_from_db()
    assert {name: getattr(en_nu_ik, name) for name in services.OWN_TEMPLATE_FIELDS} == before


def test_editing_keeps_the_sessions_once_groups_use_the_course_but_it_can_be_deactivated(worker, client_for):
    own = services.do_create_course_template(values=values(), actor=worker)
    client = client_for(worker)
    url = reverse("courses:template_edit", args=[own.pk])
    # without groups the number of sessions may change
    response = client.post(url, course_data(version=own.version, sessions=5, topics=""))
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.sessions, own.topics, own.code) == (5, [], "sterk-samen")
    services.do_create_group(template=own, name="Groep 1", start_date=TODAY(), actor=worker)
    page = client.get(url).content.decode()
    assert "1 group uses this course" in page
    response = client.post(url, course_data(version=own.version, sessions=6, topics="", name="Andere naam"))
    text = response.content.decode()
    assert response.status_code == 200 and "its number of child sessions (5) can no longer change" in text
    assert 'value="Andere naam"' in text
    own.refresh_from_db()
    assert (own.sessions, own.name) == (5, "Sterk samen")
    response = client.post(url, course_data(version=own.version, sessions=5, topics="", active=None), follow=True)
    assert response.redirect_chain[-1][0] == reverse("courses:courses")
    own.refresh_from_db()
    assert not own.active and own.version == 3
    event = AuditEvent.objects.filter(action="update", object_id=str(own.pk)).latest("timestamp")
    assert event.changed_fields == ["active"]
    assert own not in queries.templates_for(worker)
    assert "Sterk samen" not in client.get(reverse("courses:create")).content.decode()
    with pytest.raises(ValidationError, match="no longer offered"):
        services.do_create_group(template=own, name="Groep 2", start_date=TODAY(), actor=worker)
    page = client.get(reverse("courses:courses")).content.decode()
    assert "Sterk samen" in page and "inactive: not offered for new groups" in page


def test_a_concurrent_edit_is_refused_with_the_input_kept(worker, trainer, client_for):
    own = services.do_create_course_template(values=values(), actor=worker)
    stale = own.version
    services.do_update_course_template(own, values=values(minutes=75), expected_version=stale, actor=trainer)
    response = client_for(worker).post(reverse("courses:template_edit", args=[own.pk]),
                                       course_data(version=stale, name="Mijn naam"))
    text = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this record" in text
    assert 'value="Mijn naam"' in text and f'name="version" value="{stale + 1}"' in text
    own.refresh_from_db()
    assert (own.name, own.minutes) == ("Sterk samen", 75)
    with pytest.raises(ConcurrentEditError):
        services.do_update_course_template(own, values=values(), expected_version=stale, actor=worker)


def test_the_own_version_of_a_shipped_course_is_linked_from_the_overview(en_nu_ik, worker, client_for):
    copy = services.do_save_topics(en_nu_ik, topics=[f"Onderwerp {n}" for n in range(1, 10)],
                                   expected_version=en_nu_ik.version, actor=worker)
    page = client_for(worker).get(reverse("courses:courses")).content.decode()
    assert reverse("courses:template_edit", args=[copy.pk]) in page
    assert reverse("courses:topics", args=[en_nu_ik.pk]) not in page


def test_the_course_pages_have_a_bounded_number_of_queries(worker, client_for, django_assert_max_num_queries):
    client = client_for(worker)
    own = services.do_create_course_template(values=values(), actor=worker)
    services.do_create_group(template=own, name="Groep 1", start_date=TODAY(), actor=worker)
    urls = [reverse("courses:courses"), reverse("courses:template_create"),
            reverse("courses:template_edit", args=[own.pk])]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(30) as few:  # the base page (menu, notifications) included
            assert client.get(url).status_code == 200
        counts.append(len(few.captured_queries))
    for number in range(2, 6):
        template = services.do_create_course_template(values=values(name=f"Cursus {number}"), actor=worker)
        services.do_create_group(template=template, name=f"Groep {number}", start_date=TODAY() + number * DAY,
                                 actor=worker)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
