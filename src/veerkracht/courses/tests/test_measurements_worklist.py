"""Course measurements that are due show on the worklist of the child's own worker."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from veerkracht.courses import measurements, services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _rows(client):  # type: ignore[no-untyped-def]
    html = client.get(reverse("pathway:worklist")).content.decode()
    return html.split('id="work-followups"', 1)[1].split('data-followup="course_measurement"')[1:]


def test_a_due_t0_is_on_the_childs_workers_list(en_nu_ik, worker, make_child, client_for):
    child = make_child(age=8, child_worker=worker)
    group = services.do_create_group(template=en_nu_ik, actor=worker, name="Groep", start_date=TODAY() + 3 * DAY,
                                     meeting_place="Zaal 1")
    services.do_enrol(group, child=child, actor=worker)
    planned = measurements.do_plan_measurements(group, actor=worker)
    t0 = [m for m in planned if m.timepoint == "T0"]
    assert t0 and all(m.due_on == TODAY() + 3 * DAY for m in t0)
    rows = _rows(client_for(worker))
    assert len(rows) == len(t0)  # T1 and T2 lie weeks ahead: not yet on the list
    assert child.full_name in rows[0] and reverse("courses:measurement", args=[t0[0].pk]) in rows[0]
    assert "left the shelter" not in rows[0]  # the child is in care
