"""Reading group courses. A group is read by the staff of its own organisation (404 for anyone else);
workers of another organisation see only the groups opened for their region (course, dates, free places
- never the meeting place) and, in their own child's dossier, that child's courses.

In an organisation that limits child workers and mentors to their own teams (``restrict_to_teams``), a
group's pages - which name its children, also those of other teams - are theirs only for the groups they
train or created; their own children's courses they follow in the dossier and through the children's
measurements. The effect report (figures, and only their own children by name) stays open to them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.clients.models import Person, PersonKind
from veerkracht.clients.queries import narrowed_to_teams, visible_persons
from veerkracht.pathway.services import EDITING_ROLES

from .models import CourseTemplate, Enrolment, EnrolmentStatus, Group, GroupStatus, Session


def _membership(user: Any) -> Any:
    return getattr(user, "membership_or_none", None)


def _organisation_id(user: Any, roles: Any = CLIENT_ROLES) -> int | None:
    membership = _membership(user)
    if membership is None or membership.role not in roles:
        return None
    return membership.organisation_id


def visible_groups(user: Any) -> QuerySet[Group]:
    """The groups of the user's own organisation (for a worker limited to the own teams: those the worker
    trains or created)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Group.objects.none()
    groups = Group.objects.filter(organisation_id=organisation_id)
    if narrowed_to_teams(_membership(user)):
        trains = Group.trainers.through.objects.filter(group_id=OuterRef("pk"), user_id=user.pk)
        groups = groups.filter(Q(Exists(trains)) | Q(created_by=user))
    return groups


def group_list(user: Any) -> QuerySet[Group]:
    return (visible_groups(user).select_related("template").defer("meeting_place")
            .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status__in=(
                EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED))),
                waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)))
            .order_by("status", "-start_date", "name"))


def region_groups(user: Any) -> QuerySet[Group]:
    """Groups other organisations opened for a region the user's organisation serves (not completed),
    for referring a child. The meeting place is not loaded."""
    organisation_id = _organisation_id(user, EDITING_ROLES)
    if organisation_id is None:
        return Group.objects.none()
    return (Group.objects.filter(region__organisations__id=organisation_id)
            .exclude(organisation_id=organisation_id).exclude(status=GroupStatus.COMPLETED)
            .select_related("template", "organisation", "region").defer("meeting_place")
            .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
            .order_by("start_date", "name"))


def get_group(user: Any, pk: Any) -> Group:
    return get_object_or_404(visible_groups(user).select_related("template", "organisation"), pk=pk)


def get_referable_group(user: Any, pk: Any) -> Group:
    """A group the user may enrol own children into: own organisation or opened for the region."""
    organisation_id = _organisation_id(user, EDITING_ROLES)
    if organisation_id is None:
        return get_object_or_404(Group.objects.none(), pk=pk)
    scope = Group.objects.filter(Q(organisation_id=organisation_id) | Q(region__organisations__id=organisation_id))
    return get_object_or_404(
        scope.exclude(status=GroupStatus.COMPLETED).select_related("template", "organisation")
        .defer("meeting_place").distinct(), pk=pk)


def get_session(user: Any, pk: Any) -> Session:
    return get_object_or_404(
        Session.objects.filter(group__in=visible_groups(user)).select_related("group__template", "makeup_for"), pk=pk)


def get_enrolment(user: Any, pk: Any) -> Enrolment:
    """An enrolment of a group the user sees, or of a child the user sees (the referrer's side)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return get_object_or_404(Enrolment.objects.none(), pk=pk)
    return get_object_or_404(
        Enrolment.objects.filter(Q(group__in=visible_groups(user)) | Q(child__in=visible_persons(user)))
        .select_related("group__template", "child").defer("group__meeting_place"), pk=pk)


def templates_for(user: Any) -> QuerySet[CourseTemplate]:
    """The shipped templates and the organisation's own; an own version (same code, e.g. with its own
    session topics) replaces the shipped one."""
    organisation_id = _organisation_id(user)
    own = CourseTemplate.objects.filter(organisation_id=organisation_id).values("code") if organisation_id \
        else CourseTemplate.objects.none().values("code")
    return (CourseTemplate.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id),
                                          active=True)
            .exclude(Q(organisation__isnull=True) & Q(code__in=own)).order_by("name"))


def get_template(user: Any, pk: Any) -> CourseTemplate:
    """A template the user's organisation may use (shipped or its own); 404 otherwise."""
    organisation_id = _organisation_id(user)
    return get_object_or_404(CourseTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id=organisation_id)), pk=pk)


def sessions_of(group: Group) -> list[Session]:
    """The sessions in date order, each with ``present`` and ``recorded`` counts."""
    return list(Session.objects.filter(group=group).select_related("makeup_for").annotate(
        present=Count("attendances", filter=Q(attendances__present=True)),
        recorded=Count("attendances"),
    ).order_by("date", "kind", "is_makeup", "number"))


def enrolments_of(group: Group) -> list[Enrolment]:
    """The enrolments with the child (first name and age only are shown to the course organisation)
    and ``attended`` (child sessions present) and ``parent_attended``."""
    return list(Enrolment.objects.filter(group=group).select_related("child").annotate(
        attended=Count("attendances", filter=Q(attendances__present=True, attendances__session__kind="child")),
        parent_attended=Count("attendances", filter=Q(attendances__present=True,
                                                      attendances__session__kind="parent")),
    ).order_by("status", "child__first_name", "pk"))


def children_to_enrol(user: Any) -> QuerySet[Person]:
    """Children of the user's own organisation the user may see (for the enrol form)."""
    organisation_id = _organisation_id(user, EDITING_ROLES)
    if organisation_id is None:
        return Person.objects.none()
    return (visible_persons(user).filter(kind=PersonKind.CHILD, organisation_id=organisation_id)
            .order_by("first_name", "last_name"))


def course_overview(user: Any) -> tuple[list[CourseTemplate], list[CourseTemplate]]:
    """The "Courses" page: the shipped templates (each with ``own_version``: the organisation's own copy
    with its topics, or None) and the organisation's own templates, active and inactive, each with
    ``group_count``. Two queries."""
    organisation_id = _organisation_id(user, EDITING_ROLES)
    if organisation_id is None:
        return [], []
    own = list(CourseTemplate.objects.filter(organisation_id=organisation_id)
               .annotate(group_count=Count("groups", filter=Q(groups__organisation_id=organisation_id)))
               .order_by("-active", "name"))
    by_code = {t.code: t for t in own}
    shipped = list(CourseTemplate.objects.filter(organisation__isnull=True).order_by("name"))
    for template in shipped:
        template.own_version = by_code.get(template.code)
    return shipped, own


def get_own_template(user: Any, pk: Any) -> CourseTemplate:
    """A template of the user's own organisation; a shipped one or another organisation's is 404."""
    organisation_id = _organisation_id(user, EDITING_ROLES)
    if organisation_id is None:
        return get_object_or_404(CourseTemplate.objects.none(), pk=pk)
    return get_object_or_404(CourseTemplate.objects.filter(organisation_id=organisation_id), pk=pk)
