"""Screening tests: methodologies loaded, a child of 10 with a pathway and a mother; users read
English; three small throwaway instrument definitions (written here, loaded through the engine) so
that the app's tests do not depend on the shipped instruments' numbers."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.conftest import verified_client
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.screening.engine import definitions
from veerkracht.testing import factories

SCORING, ORDINAL = definitions.SCORING_URL, definitions.ORDINAL_URL
FREQUENCY = [("0", "never", 0), ("1", "sometimes", 1), ("2", "often", 2), ("3", "almost always", 3)]


def _ext(url: str, **value: Any) -> dict[str, Any]:
    return {"url": url, **value}


def _band(code: str, low: int, high: int, clinical: bool) -> dict[str, Any]:
    return _ext("band", extension=[
        _ext("code", valueCode=code), _ext("labelNl", valueString=f"{code} (nl)"),
        _ext("labelEn", valueString=code.replace("_", " ")), _ext("low", valueInteger=low),
        _ext("high", valueInteger=high), _ext("clinical", valueBoolean=clinical)])


def questionnaire(instrument_id: str, *, items: int = 0, respondent: str = "child", min_age: int = 7,
                  max_age: int | None = 17, bands: list[dict[str, Any]], scales: list[dict[str, Any]] = (),
                  total: dict[str, Any] | None = None, missing: tuple[str, int] = ("none", 0),
                  entry: str = "items", text: bool = False) -> dict[str, Any]:
    """A FHIR Questionnaire with the scoring extension, as the shipped definitions are written."""
    scoring = [
        _ext("entry", valueCode=entry), _ext("respondent", valueCode=respondent),
        _ext("minAge", valueInteger=min_age), _ext("language", valueCode="nl"),
        _ext("source", valueString="Test definition, not a real instrument"), _ext("licence", valueCode="own"),
        *scales,
        total or _ext("total", extension=[
            _ext("code", valueCode="total"), _ext("labelNl", valueString="Totaal"),
            _ext("labelEn", valueString="Total"), _ext("sumOf", valueCode="items"), *bands]),
        _ext("missing", extension=[_ext("method", valueCode=missing[0]), _ext("maxMissing", valueInteger=missing[1])]),
    ]
    if max_age is not None:
        scoring.append(_ext("maxAge", valueInteger=max_age))
    item_list = []
    for number in range(1, items + 1):
        item = {"linkId": f"q{number}", "prefix": str(number), "type": "choice", "answerOption": [
            {"valueCoding": {"system": definitions.ANSWER_SYSTEM, "code": code, "display": display},
             "extension": [_ext(ORDINAL, valueDecimal=score)]} for code, display, score in FREQUENCY]}
        if text:
            item["text"] = f"Vraag {number} over slapen"
        item_list.append(item)
    return {
        "resourceType": "Questionnaire", "id": instrument_id, "url": f"https://example.org/{instrument_id}",
        "version": "1.0", "name": instrument_id.replace("-", "_"), "title": instrument_id.upper(),
        "status": "active", "publisher": "Veerkracht tests", "copyright": "Own test text", "language": "nl",
        "extension": [_ext(SCORING, extension=scoring)], "item": item_list,
    }


def _scale(code: str, link_ids: list[str] = (), *, low: int | None = None, high: int | None = None,
           bands: list[dict[str, Any]] = ()) -> dict[str, Any]:
    parts = [_ext("code", valueCode=code), _ext("labelNl", valueString=f"Schaal {code}"),
             _ext("labelEn", valueString=f"Scale {code}"), *(_ext("item", valueString=x) for x in link_ids), *bands]
    if low is not None:
        parts += [_ext("min", valueInteger=low), _ext("max", valueInteger=high)]
    return _ext("scale", extension=parts)


def make_instruments() -> dict[str, definitions.Instrument]:
    """TEST-PTSS: six items 0-3 (total 0-18, clinical from 12; one missing answer prorated) in two
    subscales, for ages 7-17; TEST-MOOD: three items about the parent herself (clinical from 6, no
    missing answer allowed); TEST-SCALES: two entered scale scores (total clinical from 14)."""
    ptss = questionnaire(
        "test-ptss", items=6, missing=("prorate", 1),
        scales=[_scale("a", ["q1", "q2", "q3"]), _scale("b", ["q4", "q5", "q6"])],
        bands=[_band("normal", 0, 7, False), _band("moderate", 8, 11, False), _band("probable", 12, 18, True)])
    mood = questionnaire("test-mood", items=3, respondent="parent_self", min_age=18, max_age=None, text=True,
                         bands=[_band("low", 0, 5, False), _band("high", 6, 9, True)])
    scales = questionnaire(
        "test-scales", entry="scale_scores", min_age=3, max_age=16,
        scales=[_scale("x", low=0, high=10), _scale("y", low=0, high=10)],
        total=_ext("total", extension=[
            _ext("code", valueCode="total"), _ext("labelNl", valueString="Totaal"),
            _ext("labelEn", valueString="Total"), _ext("sumOf", valueCode="scales"),
            _ext("scale", valueString="x"), _ext("scale", valueString="y"),
            _band("normal", 0, 13, False), _band("abnormal", 14, 20, True)]),
        bands=[])
    return {d["id"]: definitions.load_definition(d) for d in (ptss, mood, scales)}


@pytest.fixture
def instruments(monkeypatch):  # type: ignore[no-untyped-def]
    """The registry holds only the test instruments (the shipped ones have their own tests). The app's
    test modules use it with ``pytestmark = [..., pytest.mark.usefixtures("instruments")]``; the
    engine's tests in this folder read the shipped definitions."""
    found = make_instruments()
    monkeypatch.setattr(definitions, "registry", lambda: found)
    return found


@pytest.fixture
def methodologies(db):  # type: ignore[no-untyped-def]
    call_command("load_methodologies", verbosity=0)


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    def make(user: User):  # type: ignore[no-untyped-def]
        User.objects.filter(pk=user.pk).update(language="en")
        user.language = "en"
        return verified_client(user)

    return make


@pytest.fixture
def worker(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.KINDERWERKER, org_a, username="kw_a")


@pytest.fixture
def colleague(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.MENTOR, org_a, username="mentor_a")


@pytest.fixture
def gw(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_a")


@pytest.fixture
def pathway(methodologies, child_a, worker):  # type: ignore[no-untyped-def]
    """A child of 10 admitted 120 days ago whose child worker is ``worker``."""
    today = timezone.localdate()
    child_a.stays.update(admission_date=today - datetime.timedelta(days=120))
    type(child_a).objects.filter(pk=child_a.pk).update(child_worker=worker,
                                                       birth_date=datetime.date(today.year - 10, 1, 1))
    child_a.refresh_from_db()
    return create_pathway_for_stay(child_a.stays.get(), actor=worker)


@pytest.fixture
def mother(pathway):  # type: ignore[no-untyped-def]
    child = pathway.stay.person
    mother = factories.PersonFactory(household=child.household, kind="mother", first_name="Sara",
                                     last_name=child.last_name, birth_date=datetime.date(1990, 5, 1))
    factories.ParentChildFactory(parent=mother, child=child)
    return mother
