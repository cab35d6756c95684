"""Authorization rows of the group pages (merged in authz.py).

Lists are scoped (organisation B sees its own, empty list); a group of organisation A that is not
opened for B's region is 404 for B; the municipality sees no group."""

from veerkracht.testing.authz import CLIENT_READERS, PATHWAY_EDITORS, REDIRECT, protected

MATRIX: dict[str, dict[str, str]] = {
    "courses:list": protected(CLIENT_READERS | {"other_organisation"}, object_page=False),
    "courses:create": protected(PATHWAY_EDITORS | {"other_organisation"}, object_page=False),
    "courses:detail": protected(CLIENT_READERS, object_page=True),
    "courses:status": protected(PATHWAY_EDITORS, object_page=True, ok=REDIRECT),  # GET goes back to the group
    "courses:enrol": protected(PATHWAY_EDITORS, object_page=True),
    "courses:makeup": protected(PATHWAY_EDITORS, object_page=True),
    "courses:session": protected(PATHWAY_EDITORS, object_page=True),
    "courses:enrolment": protected(PATHWAY_EDITORS, object_page=True),
    # a shipped course: every organisation may keep its own topics for it
    "courses:topics": protected(PATHWAY_EDITORS | {"other_organisation"}, object_page=False),
    "courses:edit": protected(PATHWAY_EDITORS, object_page=True),
    "courses:move_session": protected(PATHWAY_EDITORS, object_page=True),
    # the course overview and a new own course: every organisation has its own
    "courses:courses": protected(PATHWAY_EDITORS | {"other_organisation"}, object_page=False),
    "courses:template_create": protected(PATHWAY_EDITORS | {"other_organisation"}, object_page=False),
    # an own course of organisation A: 404 for organisation B
    "courses:template_edit": protected(PATHWAY_EDITORS, object_page=True),
}
WRITE_URLS: list[str] = ["courses:create", "courses:status", "courses:enrol", "courses:makeup", "courses:session",
                         "courses:enrolment", "courses:topics", "courses:edit", "courses:move_session",
                         "courses:template_create", "courses:template_edit"]


def objects(base, found):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from veerkracht.accounts.roles import Role
    from veerkracht.courses.models import CourseTemplate, Enrolment, SessionKind
    from veerkracht.courses.services import do_create_course_template, do_create_group

    actor = base["users"][Role.MENTOR]
    template = CourseTemplate.objects.get(code="en-nu-ik", organisation=None)
    group = do_create_group(template=template, name="Groep najaar", start_date=timezone.localdate(), actor=actor,
                            meeting_place="Buurthuis De Ster")
    # consent is not part of this test: the enrolment is written directly
    enrolment = Enrolment.objects.create(group=group, child=base["child"], referred_by=actor)
    session = group.sessions.get(kind=SessionKind.CHILD, number=1)
    own = do_create_course_template(actor=actor, values={
        "name": "Eigen cursus", "min_age": 6, "max_age": 12, "sessions": 6, "minutes": 90, "max_children": 8,
        "parent_sessions": 0, "focus_on_violence": True, "instruments": [], "topics": [], "active": True})
    return {"courses:edit": group, "courses:move_session": session, "courses:template_edit": own,
            "courses:detail": group, "courses:status": group, "courses:enrol": group, "courses:makeup": group,
            "courses:session": session, "courses:enrolment": enrolment, "courses:topics": template}
