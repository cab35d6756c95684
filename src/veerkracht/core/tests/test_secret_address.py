"""The secret address (issue 3, point 4): it never leaves the location's own page.

The demo data is seeded, then every document and output the system produces is
rendered for several demo children and searched for every location address (whole,
line by line, street and postcode) and - in documents meant for outside the
organisation - for every location name.

Which outputs may carry the location NAME:
- internal pages and documents (dossier, print page, household page, caseload page,
  caseload CSV for the team leader, the on-screen access report for the log
  administrator, the client privacy page): yes, the name is how staff know where a child
  lives in the shelter; never the address.
- documents meant for a parent, a father, a child of 16+, a school or a municipality
  (the "who accessed this record" PDF, the subject-access PDF and JSON): no name and
  no address. A father can be the legal representative who asks for them.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import NoReverseMatch, reverse

from veerkracht.accounts.roles import Role
from veerkracht.clients.models import Person, PersonKind, Stay
from veerkracht.conftest import verified_client
from veerkracht.organisations.models import Location, Organisation
from veerkracht.testing import factories

CHILDREN_PER_ORGANISATION = 3
POSTCODE = re.compile(r"\b\d{4}\s?[A-Z]{2}\b")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _address_needles(address: str) -> list[str]:
    """The whole address and every part of it that would give the place away."""
    needles = {address}
    parts = [p.strip() for p in re.split(r"[\n,]", address) if p.strip()]
    needles.update(p for p in parts if len(p) >= 6 and any(c.isdigit() for c in p))  # "Kerkstraat 12", "1234 AB Stad"
    needles.update(POSTCODE.findall(address))
    return sorted(_norm(n) for n in needles if n.strip())


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    assert content[:5] == b"%PDF-", "not a PDF"
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _json_text(content: bytes) -> str:
    # unicode escapes in the raw payload would hide a match: compare the decoded values too
    return content.decode("utf-8") + "\n" + json.dumps(json.loads(content), ensure_ascii=False)


def _url(name: str, **kwargs) -> str | None:  # type: ignore[no-untyped-def]
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


@pytest.fixture
def demo(demo_world, db):  # type: ignore[no-untyped-def]
    locations = list(Location.objects.all())
    assert locations and all(loc.address for loc in locations), "the demo gives every location an address"
    needles = {loc.pk: _address_needles(loc.address) for loc in locations}
    names = sorted({_norm(loc.name) for loc in locations})
    return {"locations": locations, "address_needles": needles, "names": names}


def _children(org: Organisation) -> list[Person]:
    """Children with the most stays first: transfers and discharges are where a location leaks."""
    from django.db.models import Count

    return list(
        Person.objects.filter(organisation=org, kind=PersonKind.CHILD)
        .annotate(n=Count("stays"))
        .filter(n__gt=0)
        .order_by("-n", "pk")[:CHILDREN_PER_ORGANISATION]
    )


def _outputs(org: Organisation) -> list[tuple[str, str, str]]:
    """(label, audience, text) for every output of the organisation's demo children.

    audience is "internal" or "outside"."""
    teamleider = factories.make_staff(Role.TEAMLEIDER, org, username=f"scan_tl_{org.pk}")
    logbeheerder = factories.make_staff(Role.LOGBEHEERDER, org, username=f"scan_lb_{org.pk}")
    tl, lb = verified_client(teamleider), verified_client(logbeheerder)
    outputs: list[tuple[str, str, str]] = []

    def get(client, label, audience, url, kind="html", expect=None):  # type: ignore[no-untyped-def]
        response = client.get(url)
        assert response.status_code == 200, f"{label}: {response.status_code}"
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = {"pdf": _pdf_text, "json": _json_text}.get(kind, lambda c: c.decode("utf-8"))(content)
        if expect:  # the text really was extracted: the document names its child
            assert expect.casefold() in text.casefold(), f"{label}: text extraction found nothing to scan"
        outputs.append((label, audience, text))

    get(tl, "caseload page", "internal", reverse("clients:caseload") + "?status=all")
    get(tl, "caseload CSV export", "internal", reverse("clients:export") + "?status=all&kind=all", kind="csv")
    for child in _children(org):
        who = f"{child.client_number}"
        get(tl, f"dossier {who}", "internal", reverse("clients:dossier", kwargs={"pk": child.pk}))
        get(tl, f"dossier print {who}", "internal", reverse("clients:print", kwargs={"pk": child.pk}),
            expect=child.client_number)
        get(tl, f"household {who}", "internal", reverse("clients:household", kwargs={"pk": child.household_id}))
        if url := _url("privacy:client", pk=child.pk):
            get(tl, f"privacy page {who}", "internal", url)
        if url := _url("privacy:access_report"):
            get(lb, f"access report page {who}", "internal", f"{url}?client_number={child.client_number}")
        if url := _url("privacy:access_report_pdf", pk=child.pk):
            get(lb, f"access report PDF {who}", "outside", url, kind="pdf", expect=child.client_number)
        if url := _url("privacy:subject_access_pdf", pk=child.pk):
            get(tl, f"subject-access PDF {who}", "outside", url, kind="pdf", expect=child.client_number)
        if url := _url("privacy:subject_access_json", pk=child.pk):
            get(tl, f"subject-access JSON {who}", "outside", url, kind="json", expect=child.client_number)
    return outputs


def test_no_output_carries_a_secret_address(demo):
    leaks = []
    seen_outside = set()
    for org in Organisation.objects.filter(households__isnull=False).distinct():
        for label, audience, text in _outputs(org):
            haystack = _norm(text)
            if audience == "outside":
                seen_outside.add(label.rsplit(" ", 1)[0])  # drop the client number
            for loc_pk, needles in demo["address_needles"].items():
                for needle in needles:
                    if needle in haystack:
                        leaks.append(f"{label}: address part {needle!r} of location {loc_pk}")
            if audience == "outside":
                for name in demo["names"]:
                    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", haystack):
                        leaks.append(f"{label} (meant for outside): location name {name!r}")
    assert not leaks, "secret location data in outputs:\n" + "\n".join(sorted(set(leaks)))
    missing = {"access report PDF", "subject-access PDF", "subject-access JSON"} - seen_outside
    if missing:
        pytest.skip(f"scanned internal outputs; outside documents not built yet: {sorted(missing)}")


def test_the_address_is_shown_on_the_location_page_only_to_its_organisation(demo):
    location = demo["locations"][0]
    own = verified_client(factories.make_staff(Role.FUNCTIONEEL_BEHEERDER, location.organisation, username="scan_fb"))
    page = own.get(reverse("organisations:location_detail", kwargs={"pk": location.pk}))
    assert page.status_code == 200
    assert _norm(location.address) in _norm(page.content.decode())
    other_org = Organisation.objects.exclude(pk=location.organisation_id).first()
    other = verified_client(factories.make_staff(Role.FUNCTIONEEL_BEHEERDER, other_org, username="scan_fb_other"))
    response = other.get(reverse("organisations:location_detail", kwargs={"pk": location.pk}))
    assert response.status_code == 404
    edit = own.get(reverse("organisations:location_edit", kwargs={"pk": location.pk}))
    assert edit.status_code == 200
    for needle in demo["address_needles"][location.pk]:
        assert needle not in _norm(edit.content.decode()), "the edit form must not echo the address"


def test_the_scan_would_see_a_leak(demo):
    """The detector itself works: an address and a name in a document are found."""
    location = demo["locations"][0]
    text = _norm(f"Verblijf: {location.name}\n{location.address}")
    assert any(n in text for n in demo["address_needles"][location.pk])
    assert _norm(location.name) in demo["names"]


def test_stays_of_demo_children_exist(demo):
    assert Stay.objects.exists()
