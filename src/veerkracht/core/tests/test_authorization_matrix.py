"""Every URL of the project, for every role: the expected outcome.

A URL pattern without an entry here fails ``test_every_url_has_an_entry``, so no
new page can skip the question "who may see this?".
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import Household, Person, Stay
from veerkracht.privacy.models import ErasureRequest
from veerkracht.testing import factories
from veerkracht.testing.authz import (  # noqa: F401 (re-exported vocabulary)
    CLIENT_READERS,
    CLIENT_WRITERS,
    DENIED,
    LOGIN,
    METHOD,
    NOT_FOUND,
    OK,
    OTP,
    PATHWAY_EDITORS,
    REDIRECT,
    ROLES,
    STAFF_A,
    everyone,
    protected,
)

VERIFIED = {r: REDIRECT for r in ROLES[2:]}

MATRIX: dict[str, dict[str, str]] = {
    # public
    "core:healthz": everyone(OK),
    "accounts:login": everyone(OK, **VERIFIED),
    "accounts:logout": everyone(METHOD),
    "set_language": everyone(REDIRECT),
    # second-factor steps: after the password, before the code
    "accounts:verify": everyone(REDIRECT, anonymous=LOGIN, no_second_factor=OK),
    # with a confirmed device the setup page sends everyone to the code step (never a second device)
    "accounts:setup": everyone(OTP, anonymous=LOGIN),
    # every verified user
    "core:home": protected(set(ROLES[2:]), object_page=False),
    "accounts:preferences": protected(set(ROLES[2:]), object_page=False),
    "accounts:password_change": protected(set(ROLES[2:]), object_page=False),
    "accounts:password_changed": protected(set(ROLES[2:]), object_page=False),
    # clients: lists are scoped (B sees its own, empty list), objects are 404 for B
    "clients:caseload": protected(CLIENT_READERS | {"other_organisation"}, object_page=False),
    "clients:export": protected({Role.TEAMLEIDER, "other_organisation"}, object_page=False),
    "clients:register": protected(CLIENT_WRITERS | {"other_organisation"}, object_page=False),
    "clients:dossier": protected(CLIENT_READERS, object_page=True),
    "clients:print": protected(CLIENT_READERS, object_page=True),
    "clients:household": protected(CLIENT_READERS, object_page=True),
    "clients:edit": protected(CLIENT_WRITERS, object_page=True),
    "clients:admit": protected(CLIENT_WRITERS, object_page=True),
    "clients:add_father": protected(CLIENT_WRITERS, object_page=True),
    "clients:authority": protected(CLIENT_WRITERS, object_page=True),
    "clients:transfer": protected(CLIENT_WRITERS, object_page=True),
    "clients:discharge": protected(CLIENT_WRITERS, object_page=True),
    # break-the-glass: workers ask, the log administrator of the organisation reviews
    "clients:emergency": protected(CLIENT_READERS | {"other_organisation"}, object_page=False),
    "clients:emergency_reviews": protected({Role.LOGBEHEERDER}, object_page=False),
    "clients:emergency_review": protected({Role.LOGBEHEERDER}, object_page=True),
    # organisation management: the application administrator of the own organisation
    "organisations:users": protected({Role.FUNCTIONEEL_BEHEERDER, "other_organisation_admin"}, object_page=False),
    "organisations:user_create": protected({Role.FUNCTIONEEL_BEHEERDER, "other_organisation_admin"}, object_page=False),
    "organisations:user_edit": protected({Role.FUNCTIONEEL_BEHEERDER}, object_page=True),
    "organisations:user_reset_2fa": protected({Role.FUNCTIONEEL_BEHEERDER}, object_page=True),
    "organisations:locations": protected(STAFF_A | {"other_organisation", "other_organisation_admin"}, object_page=False),
    "organisations:location_create": protected({Role.FUNCTIONEEL_BEHEERDER, "other_organisation_admin"}, object_page=False),
    "organisations:location_detail": protected(STAFF_A, object_page=True),
    "organisations:location_edit": protected({Role.FUNCTIONEEL_BEHEERDER}, object_page=True),
    "organisations:teams": protected({Role.FUNCTIONEEL_BEHEERDER, "other_organisation_admin"}, object_page=False),
    "organisations:team_create": protected({Role.FUNCTIONEEL_BEHEERDER, "other_organisation_admin"}, object_page=False),
    "organisations:team_edit": protected({Role.FUNCTIONEEL_BEHEERDER}, object_page=True),
    "organisations:organisation_settings": protected({Role.FUNCTIONEEL_BEHEERDER, "other_organisation_admin"}, object_page=False),
    # the access log: the log administrator only
    "audit:log": protected({Role.LOGBEHEERDER}, object_page=False),
    # privacy: the "who accessed this child" report is the log administrator's (own organisation only)
    "privacy:access_report": protected({Role.LOGBEHEERDER}, object_page=False),
    "privacy:access_report_pdf": protected({Role.LOGBEHEERDER}, object_page=True),
    # subject access and erasure: team leader and behavioural scientist; filing erasure: team leader
    "privacy:client": protected({Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER}, object_page=True),
    "privacy:subject_access_pdf": protected({Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER}, object_page=True),
    "privacy:subject_access_json": protected({Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER}, object_page=True),
    "privacy:erasure_request_create": protected({Role.TEAMLEIDER}, object_page=True),
    "privacy:erasure_requests": protected({Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER, "other_organisation"}, object_page=False),
    "privacy:erasure_decide": protected({Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER}, object_page=True),
    # pathway: the worklist is scoped (B sees its own, empty list); activities are edited by writers and the
    # behavioural scientist of the own organisation
    "pathway:worklist": protected(CLIENT_READERS | {"other_organisation"}, object_page=False),
    "pathway:activity_edit": protected(CLIENT_WRITERS | {Role.GEDRAGSWETENSCHAPPER}, object_page=True),
    "pathway:discharge": protected(CLIENT_WRITERS, object_page=True),
    "pathway:timeline": protected(CLIENT_READERS, object_page=True),
}


def _app_modules():  # type: ignore[no-untyped-def]
    """Each app's own rows: ``<app>.tests.authz`` with MATRIX, WRITE_URLS and objects(base)."""
    import importlib
    import importlib.util

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("veerkracht."):
            continue
        name = f"{config.name}.tests.authz"
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            found = None
        if found is not None:
            yield importlib.import_module(name)


APP_MODULES = list(_app_modules())
for _module in APP_MODULES:
    _overlap = set(MATRIX) & set(_module.MATRIX)
    assert not _overlap, f"{_module.__name__} repeats matrix rows: {_overlap}"
    MATRIX.update(_module.MATRIX)


def _walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else ""
            yield from _walk(p.url_patterns, prefix + ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name, p


def all_url_names() -> dict[str, URLPattern]:
    return dict(_walk(get_resolver().url_patterns))


def test_every_url_has_an_entry():
    names = set(all_url_names())
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URLs without an authorization-matrix entry: {missing}"
    unknown = sorted(set(MATRIX) - names)
    assert not unknown, f"matrix entries for URLs that no longer exist: {unknown}"
    unnamed = [str(p.pattern) for _n, p in _walk(get_resolver().url_patterns) if not _n]
    assert not unnamed


@pytest.fixture
def world(db, org_a, org_b, location_a, location_b):  # type: ignore[no-untyped-def]
    users = {}
    for role in (Role.KINDERWERKER, Role.MENTOR, Role.GEDRAGSWETENSCHAPPER, Role.TEAMLEIDER, Role.FUNCTIONEEL_BEHEERDER, Role.LOGBEHEERDER):
        users[role] = factories.make_staff(role, org_a, username=f"a_{role}")
    users["no_second_factor"] = factories.make_staff(Role.KINDERWERKER, org_a, username="a_plain")
    users["other_organisation"] = factories.make_staff(Role.TEAMLEIDER, org_b, username="b_teamleider")
    users["other_organisation_admin"] = factories.make_staff(Role.FUNCTIONEEL_BEHEERDER, org_b, username="b_beheerder")
    users[Role.GEMEENTE] = factories.make_staff(Role.GEMEENTE, region=org_a.regions.first(), username="gemeente_a")
    household = factories.HouseholdFactory(organisation=org_a)
    mother = factories.PersonFactory(household=household, kind="mother", first_name="Fatima", last_name="Bakker",
                                     birth_date="1990-01-01")
    child = factories.PersonFactory(household=household, first_name="Lotte", last_name="Bakker")
    stay = factories.StayFactory(person=child, location=location_a)
    mother_stay = factories.StayFactory(person=mother, location=location_a)
    link = factories.ParentChildFactory(parent=mother, child=child)
    team = factories.TeamFactory(organisation=org_a)
    target_user = factories.make_staff(Role.KINDERWERKER, org_a, username="a_target")
    from django.utils import timezone

    from veerkracht.clients.models import EmergencyAccess

    emergency = EmergencyAccess.objects.create(
        user=users[Role.KINDERWERKER], person=child, reason="test", expires_at=timezone.now()
    )
    from django.core.management import call_command

    from veerkracht.pathway.services import create_pathway_for_stay

    call_command("load_methodologies", verbosity=0)
    pathway = create_pathway_for_stay(stay, actor=users[Role.TEAMLEIDER])
    objects = {
        "pathway:activity_edit": pathway.activities.order_by("definition__order").first(),
        "clients:emergency_review": emergency,
        "clients:dossier": child, "clients:print": child, "clients:edit": child, "clients:admit": child,
        "clients:household": household, "clients:add_father": household, "clients:authority": link,
        "clients:transfer": stay, "clients:discharge": mother_stay, "pathway:discharge": stay, "pathway:timeline": child,
        "organisations:user_edit": target_user, "organisations:user_reset_2fa": target_user,
        "organisations:location_detail": location_a, "organisations:location_edit": location_a,
        "organisations:team_edit": team,
        "privacy:access_report_pdf": child, "privacy:client": child, "privacy:subject_access_pdf": child,
        "privacy:subject_access_json": child, "privacy:erasure_request_create": child,
        "privacy:erasure_decide": ErasureRequest.objects.create(person=child, requested_by=users[Role.TEAMLEIDER], reason="asked"),
    }
    base = {
        "users": users, "child": child, "mother": mother, "household": household, "stay": stay, "pathway": pathway,
        "link": link, "location": location_a, "org_a": org_a, "org_b": org_b,
    }
    for module in APP_MODULES:
        if hasattr(module, "objects"):
            objects.update(module.objects(base))
    return {"users": users, "objects": objects}


def _client(world, role):  # type: ignore[no-untyped-def]
    from veerkracht.conftest import verified_client

    if role == "anonymous":
        return Client()
    user = world["users"][role]
    if role == "no_second_factor":
        client = Client()
        client.force_login(user)
        return client
    return verified_client(user)


def _url(world, name):  # type: ignore[no-untyped-def]
    obj = world["objects"].get(name)
    return reverse(name, kwargs={"pk": obj.pk}) if obj is not None else reverse(name)


def _outcome(response) -> str:  # type: ignore[no-untyped-def]
    code = response.status_code
    if code == 200:
        return OK
    if code in (301, 302):
        location = response["Location"]
        if location.startswith("/login/code/") or location.startswith("/login/setup/"):
            return OTP
        if location.startswith("/login/"):
            return LOGIN
        return REDIRECT
    if code in (403, 404):
        return NOT_FOUND if code == 404 else DENIED
    if code == 405:
        return METHOD
    return str(code)


def _matches(expected: str, actual: str) -> bool:
    if expected == DENIED:
        return actual in (DENIED, NOT_FOUND)
    if expected == OTP:
        return actual == OTP
    return expected == actual


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get_outcome_for_every_role(world, name):
    url = _url(world, name)
    wrong = []
    for role in ROLES:
        response = _client(world, role).get(url)
        actual = _outcome(response)
        if not _matches(MATRIX[name][role], actual):
            wrong.append(f"{role}: expected {MATRIX[name][role]}, got {actual} ({response.status_code})")
    assert not wrong, f"GET {url}:\n" + "\n".join(wrong)


WRITE_URLS = [
    n for n in MATRIX
    if n.split(":")[0] in {"clients", "organisations"} and n not in {"clients:caseload", "clients:export", "clients:dossier",
                                                                       "clients:print", "clients:household"}
    and not n.endswith(("users", "locations", "teams", "location_detail"))
] + ["privacy:erasure_request_create", "privacy:erasure_decide", "pathway:activity_edit", "pathway:discharge"]
for _module in APP_MODULES:
    WRITE_URLS += list(getattr(_module, "WRITE_URLS", []))


WRITE_ACTIONS = ["create", "update", "delete", "role_change", "otp_reset"]


@pytest.mark.parametrize("name", sorted(WRITE_URLS))
def test_post_by_a_role_without_access_changes_nothing(world, name):
    url = _url(world, name)
    before = (Person.objects.count(), Household.objects.count(), Stay.objects.count())
    for role in ROLES:
        expected = MATRIX[name][role]
        if expected in (OK, REDIRECT):
            continue
        writes_before = AuditEvent.objects.filter(action__in=WRITE_ACTIONS).count()
        response = _client(world, role).post(url, {"first_name": "X", "last_name": "Y", "name": "Z", "role": "teamleider"})
        assert response.status_code in (302, 403, 404, 405), f"{role} POST {url}: {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith("/login/"), f"{role} POST {url} went to {response['Location']}"
        assert AuditEvent.objects.filter(action__in=WRITE_ACTIONS).count() == writes_before, f"{role} POST {url} wrote"
    assert (Person.objects.count(), Household.objects.count(), Stay.objects.count()) == before


def test_post_with_bad_input_by_allowed_roles_never_errors(world):
    """Allowed roles posting empty forms get the form back with messages, never a 500."""
    for name in WRITE_URLS:
        url = _url(world, name)
        for role in ROLES:
            if MATRIX[name][role] != OK:
                continue
            response = _client(world, role).post(url, {})
            assert response.status_code in (200, 302, 400), f"{role} POST {url} -> {response.status_code}"
