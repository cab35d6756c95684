"""Fail when a Dutch translation is missing or fuzzy.

Extracts the messages afresh with Django's own makemessages, in a copy of the
package (so the real catalogues are not touched), merged with the committed
``nl`` catalogue, and reports every msgid whose msgstr is empty or fuzzy.
Run as ``make check-translations``; CI runs it too.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "veerkracht"
LANGUAGE = "nl"
# Same ignores as `make messages`.
IGNORE = ["*/tests/*", "testing/*"]


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip())


def parse_po(text: str) -> list[dict]:
    """A small .po parser: entries with msgid, msgid_plural, msgstr(s), flags, references."""
    entries: list[dict] = []
    entry: dict = {}
    current: str | None = None

    def finish() -> None:
        nonlocal entry, current
        if "msgid" in entry:
            entries.append(entry)
        entry = {}
        current = None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue  # obsolete
        if line.startswith("#,"):
            if "msgid" in entry:
                finish()
            entry.setdefault("flags", set()).update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#:"):
            if "msgid" in entry:
                finish()
            entry.setdefault("refs", []).extend(line[2:].split())
            continue
        if line.startswith("#"):
            if "msgid" in entry:
                finish()
            continue
        if line.startswith('"'):
            if current is not None:
                entry[current] += _unquote(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid" and "msgid" in entry:
            finish()
        if keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"} or keyword.startswith("msgstr["):
            current = keyword
            entry[keyword] = _unquote(rest)
    finish()
    return entries


def problems(entries: list[dict]) -> list[str]:
    found = []
    for entry in entries:
        if entry["msgid"] == "":
            continue  # header
        where = ", ".join(entry.get("refs", [])[:2])
        label = repr(entry["msgid"]) + (f" ({where})" if where else "")
        if "fuzzy" in entry.get("flags", set()):
            found.append(f"fuzzy:   {label}")
            continue
        strings = [value for key, value in entry.items() if key.startswith("msgstr")]
        if not strings or any(value == "" for value in strings):
            found.append(f"missing: {label}")
    return found


def extract(workdir: Path) -> Path:
    copy = workdir / "veerkracht"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "migrations", "*.mo", "static"),
    )
    (copy / "locale").mkdir(exist_ok=True)
    command = shutil.which("veerkracht", path=str(ROOT / ".venv" / "bin")) or "veerkracht"
    args = [command, "makemessages", "-l", LANGUAGE, "--no-obsolete", "--no-wrap"]
    for pattern in IGNORE:
        args += ["--ignore", pattern]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "veerkracht.conf.settings", "VEERKRACHT_ENV": "dev"}
    env.setdefault("VEERKRACHT_VAR_DIR", str(workdir / "var"))
    subprocess.run(args, cwd=copy, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return copy / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"


def main() -> int:
    if not shutil.which("msgfmt"):
        print(
            "gettext is not installed (msgfmt missing); install it: apt-get install gettext", file=sys.stderr
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="veerkracht-i18n-") as tmp:
        po = extract(Path(tmp))
        if not po.exists():
            print(f"makemessages wrote no {LANGUAGE} catalogue", file=sys.stderr)
            return 1
        entries = parse_po(po.read_text(encoding="utf-8"))
    found = problems(entries)
    committed = PACKAGE / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"
    if found:
        print(f"{len(found)} of {len(entries) - 1} Dutch messages are missing or fuzzy:")
        for line in found:
            print("  " + line)
        print(
            f"Run `make messages`, translate in {committed.relative_to(ROOT)} and run `make messages` again."
        )
        return 1
    print(f"All {len(entries) - 1} Dutch messages are translated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
