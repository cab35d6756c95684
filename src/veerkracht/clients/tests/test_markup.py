"""Basic accessibility hygiene of every client page: one h1, unique ids, labelled fields, scoped headers."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from veerkracht.accounts.roles import Role
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.labels: set[str] = set()
        self.inputs: list[str] = []
        self.h1 = 0
        self.th_without_scope = 0
        self.inline_style_or_script = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if "style" in a or (tag == "script" and "src" not in a):
            self.inline_style_or_script += 1
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(a.get("id", ""))
        if tag == "h1":
            self.h1 += 1
        if tag == "th" and "scope" not in a:
            self.th_without_scope += 1


def test_pages_are_well_formed(staff, org_a, client_for, child_a, location_a):
    user = staff(Role.TEAMLEIDER, org_a, username="tl_markup")
    mother = factories.PersonFactory(household=child_a.household, kind="mother")
    link = factories.ParentChildFactory(parent=mother, child=child_a)
    stay = child_a.stays.get()
    client = client_for(user)
    urls = [
        reverse("clients:caseload"),
        reverse("clients:register"),
        reverse("clients:dossier", args=[child_a.pk]),
        reverse("clients:dossier", args=[mother.pk]),
        reverse("clients:print", args=[child_a.pk]),
        reverse("clients:edit", args=[child_a.pk]),
        reverse("clients:edit", args=[mother.pk]),
        reverse("clients:admit", args=[child_a.pk]),
        reverse("clients:household", args=[child_a.household.pk]),
        reverse("clients:add_father", args=[child_a.household.pk]),
        reverse("clients:authority", args=[link.pk]),
        reverse("clients:transfer", args=[stay.pk]),
        reverse("clients:discharge", args=[stay.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = Collector()
        page.feed(response.content.decode())
        assert page.h1 == 1, url
        assert len(page.ids) == len(set(page.ids)), url
        assert page.th_without_scope == 0, url
        assert page.inline_style_or_script == 0, url
        for input_id in page.inputs:
            assert input_id in page.labels, (url, input_id)
