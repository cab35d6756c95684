"""The pages with the shipped instruments: CATS self-report in its three parts and the SDQ's scale
scores, through the form, at the CATS cut-off (20 and 21)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from veerkracht.screening.models import Administration, Signal

pytestmark = pytest.mark.django_db  # the shipped definitions (no "instruments" fixture)


def cats(total: int) -> dict[str, str]:
    """Events and functioning answered; symptoms summing to ``total`` (at most 3 each)."""
    data = {f"item_e{n}": "yes" for n in range(1, 16)} | {f"item_f{n}": "no" for n in range(1, 6)}
    for n in range(1, 21):
        score = min(3, max(0, total - 3 * (n - 1)))
        data[f"item_s{n}"] = str(score)
    return {"administered_on": timezone.localdate().isoformat(), **data}


def test_cats_form_shows_its_three_parts_and_items_by_number(pathway, worker, client_for):
    html = client_for(worker).get(reverse("screening:administer", args=[pathway.pk, "cats-self-7-17"])).content.decode()
    assert html.count("<tr data-item=") == 40 and html.count("<table data-items>") == 3
    assert "Part 1: events (yes/no, not scored)" in html and "Part 2: symptoms in the past two weeks (0-3)" in html
    assert "data-numbered-items" in html  # no text shipped: items by number
    assert '<span class="visually-hidden">Part 2: symptoms in the past two weeks (0-3), </span>Item 3' in html


@pytest.mark.parametrize(("total", "band", "clinical"), [(20, "moderate", False), (21, "probable_ptsd", True)])
def test_cats_at_the_cut_off(pathway, worker, client_for, total, band, clinical):
    response = client_for(worker).post(reverse("screening:administer", args=[pathway.pk, "cats-self-7-17"]),
                                       cats(total))
    assert response.status_code == 302
    administration = Administration.objects.get()
    assert (administration.valid, administration.total, administration.band, administration.clinical) == (
        True, total, band, clinical)
    assert Signal.objects.filter(administration=administration).exists() == clinical


def test_a_missing_symptom_makes_cats_invalid(pathway, worker, client_for):
    data = cats(30) | {"item_s7": ""}
    client_for(worker).post(reverse("screening:administer", args=[pathway.pk, "cats-self-7-17"]), data)
    administration = Administration.objects.get()
    assert not administration.valid and administration.total is None and not Signal.objects.exists()
    assert administration.missing == ["s7"]


def test_sdq_takes_scale_scores(pathway, worker, client_for):
    url = reverse("screening:administer", args=[pathway.pk, "sdq-parent"])
    html = client_for(worker).get(url).content.decode()
    assert 'name="scale_emotional"' in html and 'name="scale_prosocial"' in html and 'type="radio"' not in html
    scores = {"scale_emotional": "5", "scale_conduct": "4", "scale_hyperactivity": "6", "scale_peer": "2",
              "scale_prosocial": "8"}
    response = client_for(worker).post(url, {"administered_on": timezone.localdate().isoformat(), **scores})
    assert response.status_code == 302
    administration = Administration.objects.get()
    assert (administration.entry, administration.total, administration.band, administration.clinical) == (
        "scale_scores", 17, "abnormal", True)
