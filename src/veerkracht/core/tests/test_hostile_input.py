"""Hostile input (issue 3, point 8): the real forms, driven through the test client.

Text fields get script tags, SQL metacharacters, unicode tricks (right-to-left
override, zero-width characters, NUL), very long strings; dates out of range and
garbage; huge integers for primary keys, versions and page numbers. Whatever comes
in: never a 5xx, a refused form writes nothing, and what is stored is shown escaped.
"""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import Household, Person, Stay
from veerkracht.organisations.models import Location
from veerkracht.testing import factories

HYPOTHESIS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
WRITE_ACTIONS = ["create", "update", "delete", "role_change", "otp_reset"]

HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE clients_person; --",
    "' OR '1'='1",
    "Robert'); DELETE FROM audit_auditevent; --",
    "%_\\%",
    "{{ request.user.password }}{% debug %}",
    "\u202eevil.exe",  # right-to-left override
    "a\u200bb\u200d\ufeffc",  # zero-width characters, byte order mark
    "nul\x00byte",
    "\x00",
    "line\r\nbreak",
    "=HYPERLINK(\"http://evil\")",
    "Zoë Ñandú 名前 🙂",
    "x" * 10_000,
    " ",
    "",
]
HOSTILE_DATES = [
    "0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "31-12-9999", "01-01-0001", "-1-01-01",
    "99999-01-01", "2020-01-01T00:00", "yesterday", "' OR 1=1 --", "\x00", "1" * 5000, "",
]
HUGE_INTS = ["0", "-1", "2147483648", "9223372036854775807", "9223372036854775808", str(2**70),
             "9" * 5000, "1e309", "NaN", "0x10", "١٢", "", "abc", "1.5"]

text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=120))
dates = st.one_of(
    st.sampled_from(HOSTILE_DATES),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.strftime("%Y-%m-%d")),
    st.text(max_size=12),
)
ints = st.one_of(st.sampled_from(HUGE_INTS), st.integers(min_value=-(2**80), max_value=2**80).map(str))


def _counts() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Household.objects.count(),
        Stay.objects.count(),
        get_user_model().objects.count(),
        Location.objects.count(),
        AuditEvent.objects.filter(action__in=WRITE_ACTIONS).count(),
    )


def _no_server_error(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.status_code


def _assert_escaped(content: bytes, *values: str) -> None:
    page = content.decode()
    for value in values:
        if "<" in value:
            assert value not in page, f"unescaped: {value[:60]!r}"


@pytest.fixture
def writer(org_a, location_a, staff, client_for):  # type: ignore[no-untyped-def]
    user = staff(Role.TEAMLEIDER, org_a, username="tl_hostile")
    return client_for(user)


# --- household registration ---------------------------------------------------------------------
@HYPOTHESIS
@given(parent_first=text, parent_last=text, child_first=text, child_last=text, child_birth=dates,
       parent_birth=dates, admission=dates, location=st.one_of(st.just("VALID"), ints), total_forms=ints,
       care_type=st.one_of(st.just("24h"), text), add_child=st.booleans())
def test_registration_survives_hostile_input(writer, location_a, parent_first, parent_last, child_first, child_last,
                                             child_birth, parent_birth, admission, location, total_forms, care_type,
                                             add_child):
    data = {
        "stay-location": str(location_a.pk) if location == "VALID" else location,
        "stay-care_type": care_type,
        "stay-admission_date": admission,
        "stay-reason": "domestic_violence",
        "parent-first_name": parent_first,
        "parent-last_name": parent_last,
        "parent-birth_date": parent_birth,
        "parent-kind": "mother",
        "children-TOTAL_FORMS": total_forms,
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "0",
        "children-MAX_NUM_FORMS": "20",
        "children-0-first_name": child_first,
        "children-0-last_name": child_last,
        "children-0-birth_date": child_birth,
        "children-0-gender": "u",
        "children-0-authority": "unknown",
    }
    if add_child:
        data["add_child"] = "1"
    before = _counts()
    response = writer.post(reverse("clients:register"), data)
    _no_server_error(response)
    if response.status_code == 200:
        assert _counts() == before, "a refused registration wrote something"
        _assert_escaped(response.content, parent_first, parent_last, child_first, child_last)
    else:
        assert response.status_code == 302
        household = Household.objects.order_by("-pk").first()
        page = writer.get(response["Location"])
        _no_server_error(page)
        _assert_escaped(page.content, parent_first, parent_last, child_first, child_last)
        for person in household.members.all() if hasattr(household, "members") else Person.objects.filter(household=household):
            dossier = writer.get(reverse("clients:dossier", kwargs={"pk": person.pk}))
            assert dossier.status_code == 200
            _assert_escaped(dossier.content, person.first_name, person.last_name)
            assert "\x00" not in person.first_name + person.last_name


def test_a_script_name_is_stored_as_text_and_shown_escaped(writer, location_a):
    name = "<script>alert('x')</script>"
    data = {
        "stay-location": str(location_a.pk), "stay-care_type": "24h",
        "stay-admission_date": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
        "stay-reason": "domestic_violence", "parent-first_name": name, "parent-last_name": "Ouder",
        "parent-birth_date": "1990-01-01", "parent-kind": "mother", "children-TOTAL_FORMS": "1",
        "children-INITIAL_FORMS": "0", "children-0-first_name": name, "children-0-last_name": "Kind",
        "children-0-birth_date": "2018-05-05", "children-0-gender": "u", "children-0-authority": "unknown",
    }
    response = writer.post(reverse("clients:register"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    child = Person.objects.get(first_name=name, kind="child")
    assert child.first_name == name  # stored as typed, escaped only on output
    for url in (reverse("clients:dossier", kwargs={"pk": child.pk}), reverse("clients:print", kwargs={"pk": child.pk}),
                reverse("clients:household", kwargs={"pk": child.household_id}), reverse("clients:caseload") + "?q=script"):
        page = writer.get(url).content.decode()
        assert "<script>alert(" not in page, url
        assert html.escape(name) in page or "&lt;script&gt;alert(" in page, url
    csv = writer.get(reverse("clients:export")).content.decode()
    assert name in csv  # CSV is data, not HTML; formula characters are neutralised separately


def test_nul_bytes_and_overlong_names_are_refused_with_a_message(writer, child_a):
    url = reverse("clients:edit", kwargs={"pk": child_a.pk})
    before = _counts()
    for bad in ("Noor\x00", "N" * 10_000):
        response = writer.post(url, {"first_name": bad, "last_name": "Jansen", "birth_date": child_a.birth_date.isoformat(),
                                     "gender": "u", "version": str(child_a.version)})
        assert response.status_code == 200
        assert 'class="error' in response.content.decode() or "error" in response.content.decode()
    assert _counts() == before
    child_a.refresh_from_db()
    assert child_a.first_name == "Noor"


# --- person edit ------------------------------------------------------------------------------
@HYPOTHESIS
@given(first=text, last=text, birth=dates, gender=st.one_of(st.sampled_from(["f", "m", "x", "u"]), text),
       version=st.one_of(st.just("VALID"), ints), child_worker=st.one_of(st.just(""), ints))
def test_person_edit_survives_hostile_input(writer, child_a, first, last, birth, gender, version, child_worker):
    child_a.refresh_from_db()
    data = {"first_name": first, "last_name": last, "birth_date": birth, "gender": gender,
            "version": str(child_a.version) if version == "VALID" else version, "child_worker": child_worker}
    before = _counts()
    response = writer.post(reverse("clients:edit", kwargs={"pk": child_a.pk}), data)
    _no_server_error(response)
    if response.status_code == 200:
        assert _counts() == before
        _assert_escaped(response.content, first, last)
    else:
        dossier = writer.get(reverse("clients:dossier", kwargs={"pk": child_a.pk}))
        assert dossier.status_code == 200
        child_a.refresh_from_db()
        _assert_escaped(dossier.content, child_a.first_name, child_a.last_name)


# --- discharge --------------------------------------------------------------------------------
@HYPOTHESIS
@given(date=dates, destination=st.one_of(st.just("own_home"), text), version=st.one_of(st.just("VALID"), ints))
def test_discharge_survives_hostile_input(writer, child_a, date, destination, version):
    stay = Stay.objects.get(person=child_a)
    data = {"discharge_date": date, "destination": destination,
            "version": str(stay.version) if version == "VALID" else version}
    before = _counts()
    response = writer.post(reverse("clients:discharge", kwargs={"pk": stay.pk}), data)
    _no_server_error(response)
    if response.status_code == 200:
        assert _counts() == before
        stay.refresh_from_db()
        assert stay.discharge_date is None
    else:
        assert response.status_code in (302, 404)  # 404: discharged already, the stay is closed


# --- huge ids in URLs ---------------------------------------------------------------------------
@HYPOTHESIS
@given(pk=st.integers(min_value=0, max_value=2**80), page=st.one_of(ints, text))
def test_huge_ids_and_page_numbers_are_404_or_fine(writer, pk, page):
    for name in ("clients:dossier", "clients:print", "clients:edit", "clients:household", "clients:discharge"):
        response = writer.get(reverse(name, kwargs={"pk": pk}))
        assert response.status_code in (200, 404), (name, pk, response.status_code)
    response = writer.get(reverse("clients:caseload"), {"page": page, "status": "all"})
    assert response.status_code == 200


# --- caseload search --------------------------------------------------------------------------
@HYPOTHESIS
@given(q=text, location=st.one_of(st.just(""), ints), status=st.one_of(st.just("all"), text),
       kind=st.one_of(st.just("child"), text), page=ints)
def test_caseload_search_survives_hostile_input(writer, child_a, q, location, status, kind, page):
    params = {"q": q, "location": location, "status": status, "kind": kind, "page": page}
    before = _counts()
    response = writer.get(reverse("clients:caseload"), params)
    assert response.status_code == 200
    _assert_escaped(response.content, q)
    export = writer.get(reverse("clients:export"), params)
    assert export.status_code == 200
    assert _counts() == before  # searching and exporting write log events, never client data


# --- user management --------------------------------------------------------------------------
@pytest.fixture
def admin_client(org_a, location_a, staff, client_for):  # type: ignore[no-untyped-def]
    return client_for(staff(Role.FUNCTIONEEL_BEHEERDER, org_a, username="fb_hostile"))


@HYPOTHESIS
@given(username=text, first=text, last=text, email=text, role=st.one_of(st.just("kinderwerker"), text),
       password=st.one_of(st.just("een lang en sterk wachtwoord 2026"), text),
       locations=st.lists(ints, max_size=3), teams=st.lists(ints, max_size=3))
def test_user_create_survives_hostile_input(admin_client, username, first, last, email, role, password, locations, teams):
    data = {"username": username, "first_name": first, "last_name": last, "email": email, "role": role,
            "password": password, "locations": locations, "teams": teams}
    before = _counts()
    response = admin_client.post(reverse("organisations:user_create"), data)
    _no_server_error(response)
    if response.status_code == 200:
        assert _counts() == before
        _assert_escaped(response.content, username, first, last, email)
        # the password is never sent back in the form
        assert not re.search(r'<input[^>]*type="password"[^>]*\svalue=', response.content.decode())
    else:
        listing = admin_client.get(reverse("organisations:users"))
        assert listing.status_code == 200
        _assert_escaped(listing.content, first, last)


# --- locations --------------------------------------------------------------------------------
@HYPOTHESIS
@given(name=text, kind=st.one_of(st.just("shelter"), text), region=st.one_of(st.just("VALID"), ints), address=text)
def test_location_create_survives_hostile_input(admin_client, org_a, name, kind, region, address):
    data = {"name": name, "kind": kind, "address": address, "active": "on",
            "region": str(org_a.regions.first().pk) if region == "VALID" else region}
    before = _counts()
    response = admin_client.post(reverse("organisations:location_create"), data)
    _no_server_error(response)
    if response.status_code == 200:
        assert _counts() == before
        _assert_escaped(response.content, name)
    else:
        location = Location.objects.order_by("-pk").first()
        page = admin_client.get(reverse("organisations:location_detail", kwargs={"pk": location.pk}))
        assert page.status_code == 200
        _assert_escaped(page.content, location.name, location.address or "")
        assert "\x00" not in location.name + (location.address or "")


# --- the access log filter ----------------------------------------------------------------------
@pytest.fixture
def log_client(org_a, staff, client_for):  # type: ignore[no-untyped-def]
    return client_for(staff(Role.LOGBEHEERDER, org_a, username="lb_hostile"))


@HYPOTHESIS
@given(client_number=text, username=text, action=st.one_of(st.just(""), text), date_from=dates, date_to=dates,
       page=ints)
def test_log_filter_survives_hostile_input(log_client, client_number, username, action, date_from, date_to, page):
    client = log_client
    params = {"client_number": client_number, "username": username, "action": action, "date_from": date_from,
              "date_to": date_to, "page": page}
    response = client.get(reverse("audit:log"), params)
    assert response.status_code == 200, response.status_code
    _assert_escaped(response.content, client_number, username)


@pytest.mark.parametrize("date_from,date_to", [("0001-01-01", ""), ("", "9999-12-31"), ("0001-01-01", "9999-12-31")])
def test_log_filter_extreme_dates(org_a, staff, client_for, date_from, date_to):
    client = client_for(staff(Role.LOGBEHEERDER, org_a, username="lb_dates"))
    response = client.get(reverse("audit:log"), {"date_from": date_from, "date_to": date_to})
    assert response.status_code == 200
    assert "2000" in response.content.decode() or "3000" in response.content.decode()  # a clear message


def test_factories_still_make_sane_people(db):
    person = factories.PersonFactory()
    assert person.pk
