"""An open screening signal shows on the child's dossier, beside the step plan's screening activity."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from veerkracht.screening.engine import definitions
from veerkracht.screening.models import Signal
from veerkracht.screening.services import do_decide_signal, do_record_administration

pytestmark = pytest.mark.django_db


def _cats(pathway, worker, score):  # type: ignore[no-untyped-def]
    cats = definitions.get("cats-self-7-17")
    answers = {item.link_id: (max if score == "high" else min)(item.options, key=lambda o: o.score).code
               for item in cats.items}
    return do_record_administration(pathway, instrument_id="cats-self-7-17", answers=answers, actor=worker,
                                    administered_on=timezone.localdate() - datetime.timedelta(days=1))


def _screening_cell(client, child):  # type: ignore[no-untyped-def]
    html = client.get(reverse("clients:dossier", args=[child.pk])).content.decode()
    return html.split('data-activity="screening"', 1)[1].split("</tr>", 1)[0]


def test_the_dossier_shows_open_signals_on_the_screening_activity(pathway, worker, gw, client_for):
    child = pathway.stay.person
    client = client_for(worker)
    _cats(pathway, worker, "low")
    assert "data-open-signals" not in _screening_cell(client, child)
    _cats(pathway, worker, "high")
    assert Signal.objects.filter(status="open").count() == 1
    assert 'data-open-signals="1"' in _screening_cell(client, child)
    signal = Signal.objects.get()
    do_decide_signal(signal, decision="guidance", reason="Begeleiding binnen het hulpverleningsplan",
                     expected_version=signal.version, actor=gw)
    assert "data-open-signals" not in _screening_cell(client, child)
