"""Methodology files: validation, idempotent loading, versions side by side."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from veerkracht.pathway.methodology import DIRECTORY, MethodologyError, load_data, validate
from veerkracht.pathway.models import ActivityDefinition, Methodology

pytestmark = pytest.mark.django_db


def _file(name: str) -> dict:
    return json.loads((DIRECTORY / name).read_text(encoding="utf-8"))


def test_shipped_files_load_idempotently():
    out = StringIO()
    call_command("load_methodologies", stdout=out)
    assert "veerkracht 2012: loaded" in out.getvalue()
    call_command("load_methodologies", stdout=out)
    assert "veerkracht 2012: unchanged" in out.getvalue()
    assert Methodology.objects.count() == 2
    default = Methodology.objects.get(is_default=True)
    assert default.version == "2012"
    codes = list(default.activities.order_by("order").values_list("code", flat=True))
    assert codes == ["intake", "father_contact", "safety_plan", "screening", "parenting", "network", "action_plan",
                     "parent_support"]
    days = dict(default.activities.values_list("code", "deadline_days"))
    assert days == {"intake": 7, "father_contact": 14, "safety_plan": 7, "screening": 21, "parenting": 28,
                    "network": 28, "action_plan": 21, "parent_support": 28}
    assert default.activities.get(code="action_plan").deadline_after == "screening"  # 21 + 21 = 42 days
    later = Methodology.objects.get(version="2018")
    assert later.activities.count() == 5
    assert set(later.activities.values_list("phase", flat=True)) == {"aanmelding", "opname_verkenning",
                                                                     "begeleiding_afronding"}


def test_changed_file_with_same_version_is_refused(tmp_path: Path):
    call_command("load_methodologies", verbosity=0)
    data = _file("veerkracht-2012.json")
    data["activities"][0]["deadline"]["days"] = 3
    (tmp_path / "changed.json").write_text(json.dumps(data))
    with pytest.raises(CommandError, match="version 2012 is already loaded with different content"):
        call_command("load_methodologies", directory=str(tmp_path))
    assert ActivityDefinition.objects.get(methodology__version="2012", code="intake").deadline_days == 7


def test_new_version_is_added_next_to_the_old_one(tmp_path: Path):
    call_command("load_methodologies", verbosity=0)
    data = _file("veerkracht-2012.json")
    data["version"] = "2012.1"
    data["activities"][0]["deadline"]["days"] = 5
    load_data(data)
    assert Methodology.objects.filter(code="veerkracht").count() == 3
    assert Methodology.objects.get(is_default=True).version == "2012.1"
    assert ActivityDefinition.objects.get(methodology__version="2012", code="intake").deadline_days == 7


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["activities"][1].update(code="intake"), "used twice"),
        (lambda d: d["activities"][0].update(phase="nowhere"), "phase 'nowhere'"),
        (lambda d: d["activities"][0].update(responsible_role="gemeente"), "not a client role"),
        (lambda d: d["activities"][0]["deadline"].update(days_after="nothing"), "unknown activity 'nothing'"),
        (lambda d: d["activities"][0]["deadline"].update(days=-1), "whole number"),
        (lambda d: d["activities"][0].update(name={"nl": "x"}), "'nl' and 'en'"),
        (lambda d: d.pop("version"), "'version' is missing"),
    ],
)
def test_invalid_files_name_the_fault(change, message):
    data = _file("veerkracht-2012.json")
    change(data)
    with pytest.raises(MethodologyError, match=message):
        validate(data)


def test_circular_deadlines_are_refused():
    data = _file("veerkracht-2012.json")
    data["activities"][0]["deadline"]["days_after"] = "father_contact"
    data["activities"][1]["deadline"]["days_after"] = "intake"
    with pytest.raises(MethodologyError, match="circle"):
        validate(data)
