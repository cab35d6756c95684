"""import_instrument_text: an organisation with a licence adds item text locally; it is stored under
VAR_DIR/instruments (never in the repository) and merged by registry()."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from veerkracht.screening.engine import definitions
from veerkracht.screening.engine.definitions import DIRECTORY, get, registry

SAMPLE = {"items": {"1": "Voorbeeldtekst vraag een", "2": "Voorbeeldtekst vraag twee"},
          "options": {"3": "Soms (eigen label)"}}


@pytest.fixture(autouse=True)
def instruments():  # type: ignore[no-untyped-def]
    """Overrides the app tests' fixture of that name (tests/conftest.py) that swaps in test instruments."""
    return None


@pytest.fixture
def var_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    with override_settings(VAR_DIR=tmp_path):
        yield tmp_path


def _write(folder: Path, data: object, name: str = "text.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_imported_text_is_stored_locally_and_merged(var_dir: Path):
    shipped_file = (DIRECTORY / "cries-8.json").read_bytes()
    out = StringIO()
    call_command("import_instrument_text", "cries-8", str(_write(var_dir, SAMPLE)), stdout=out)
    assert "cries-8 1: text of 2 of 8 items stored in nl" in out.getvalue()
    stored = json.loads((var_dir / "instruments" / "cries-8.nl.json").read_text(encoding="utf-8"))
    assert stored["version"] == "1" and stored["items"]["1"] == "Voorbeeldtekst vraag een"
    cries = get("cries-8")
    assert [i.text for i in cries.items[:3]] == ["Voorbeeldtekst vraag een", "Voorbeeldtekst vraag twee", None]
    assert cries.items[0].option("3").display == "Soms (eigen label)"
    assert (DIRECTORY / "cries-8.json").read_bytes() == shipped_file  # nothing written into the repository
    assert "text" not in json.dumps(definitions.shipped()["cries-8"].raw["item"][0])


def test_an_other_language_becomes_a_translation(var_dir: Path):
    call_command("import_instrument_text", "cries-8", str(_write(var_dir, SAMPLE)), stdout=StringIO())
    english = {"items": {"1": "Sample text question one"}, "options": {"3": "Sometimes (own label)"}}
    call_command("import_instrument_text", "cries-8", str(_write(var_dir, english, "en.json")), language="en",
                 stdout=StringIO())
    item = get("cries-8").items[0]
    with translation.override("en"):
        assert item.label == "Sample text question one" and item.option("3").label == "Sometimes (own label)"
    with translation.override("nl"):
        assert item.label == "Voorbeeldtekst vraag een" and item.option("3").label == "Soms (eigen label)"
    assert "en" in get("cries-8").languages


def test_without_imported_text_the_items_stay_numbered(var_dir: Path):
    assert all(i.text is None for i in get("cries-8").items)


@pytest.mark.parametrize(("instrument", "data", "language", "message"), [
    ("cries-8", {"items": {"99": "x"}}, "nl", "unknown item '99' for cries-8"),
    ("cries-8", {"items": {"1": " "}}, "nl", "item 1: the text is empty"),
    ("cries-8", {"items": {}}, "nl", "needs an object 'items'"),
    ("cries-8", {"items": {"1": "x"}, "options": {"2": "Twee"}}, "nl", "unknown answer code '2'"),
    ("cries-8", {"items": {"1": "x"}}, "Nederlands", "must be a language code"),
    ("sdq-parent", {"items": {"1": "x"}}, "nl", "is entered as scale scores and has no items"),
    ("nope", {"items": {"1": "x"}}, "nl", "unknown instrument 'nope'"),
])
def test_a_bad_import_is_refused_and_nothing_is_stored(var_dir: Path, instrument, data, language, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_instrument_text", instrument, str(_write(var_dir, data)), language=language)
    assert not list(var_dir.glob("instruments/*.json"))


def test_a_file_that_is_not_json_is_refused(var_dir: Path):
    path = var_dir / "text.json"
    path.write_text("items: 1")
    with pytest.raises(CommandError, match="text.json: cannot be read as JSON"):
        call_command("import_instrument_text", "cries-8", str(path))


def test_text_for_an_older_version_is_skipped(var_dir: Path, caplog):
    call_command("import_instrument_text", "cries-8", str(_write(var_dir, SAMPLE)), stdout=StringIO())
    stored = var_dir / "instruments" / "cries-8.nl.json"
    data = json.loads(stored.read_text(encoding="utf-8"))
    data["version"] = "0"
    stored.write_text(json.dumps(data), encoding="utf-8")
    assert get("cries-8").items[0].text is None
    assert "import it again" in caplog.text


def test_the_registry_follows_the_var_dir(tmp_path: Path):
    other = tmp_path / "other"
    with override_settings(VAR_DIR=tmp_path):
        call_command("import_instrument_text", "gad-7", str(_write(tmp_path, {"items": {"1": "Tekst"}})),
                     stdout=StringIO())
        assert registry()["gad-7"].items[0].text == "Tekst"
    with override_settings(VAR_DIR=other):
        assert registry()["gad-7"].items[0].text is None
