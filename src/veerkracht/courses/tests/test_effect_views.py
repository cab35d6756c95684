# ruff: noqa: F811 - the fixtures come from test_effect
"""The effect report pages: chart with its table, who sees which child, the CSV, bounded queries."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent

from .test_effect import course, hand_group, make_group, measured  # noqa: F401 - fixtures


def test_group_page_shows_table_chart_and_own_children_above_the_cut_off(hand_group, client_for, staff, org_a):
    gw = staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_effect")
    html = client_for(gw).get(reverse("courses:effect_group", args=[hand_group.pk])).content.decode()
    assert 'data-chart="effect-0"' in html and "<desc" in html
    assert '<tr data-timepoint="T1">' in html and "19.0" in html  # the mean T1 in the table and the chart
    assert "data-no-reliability" in html
    assert "Bas Visser" in html and "Dirk Visser" in html and "Anna Visser" not in html
    assert AuditEvent.objects.filter(action=Action.READ, detail__contains="above the cut-off").count() == 2


def test_a_child_of_another_organisation_is_only_counted(course, org_a, org_b, make_child, location_b, client_for,
                                                         staff):
    group = make_group(course, org_a)
    measured(group, make_child(organisation=org_b, location=location_b, first_name="Zoë", last_name="Bakker"),
             {"T0": 30, "T1": 28})
    html = client_for(staff(Role.MENTOR, org_a, username="m_effect")).get(
        reverse("courses:effect_group", args=[group.pk])).content.decode()
    assert "Zoë" not in html and 'data-above-others="1"' in html


def test_other_organisation_gets_404(hand_group, client_for, staff, org_b):
    other = client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b_effect"))
    assert other.get(reverse("courses:effect_group", args=[hand_group.pk])).status_code == 404
    assert other.get(reverse("courses:effect_group_csv", args=[hand_group.pk])).status_code == 404


def test_csv_has_the_numbers_and_no_names(hand_group, client_for, staff, org_a):
    response = client_for(staff(Role.TEAMLEIDER, org_a, username="tl_effect")).get(
        reverse("courses:effect_group_csv", args=[hand_group.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_row = {r["row"]: r for r in rows}
    assert by_row["T1"]["mean"] == "19.00" and by_row["T1"]["share_below_cutoff"] == "0.500"
    assert by_row["T0-T1"]["change"] == "-2.00" and by_row["T0-T1"]["cohens_d"] == "-0.26"
    assert "Visser" not in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail="course effect report csv").count() == 1


def test_template_page(hand_group, client_for, staff, org_a):
    html = client_for(staff(Role.MENTOR, org_a, username="m2_effect")).get(
        reverse("courses:effect_template", args=[hand_group.template.pk])).content.decode()
    assert "data-group-count=\"1\"" in html and "(Groep Noord)" in html


def test_queries_do_not_grow_with_children(course, org_a, make_child, client_for, staff, django_assert_max_num_queries):
    group = make_group(course, org_a)
    client = client_for(staff(Role.MENTOR, org_a, username="m3_effect"))
    url = reverse("courses:effect_group", args=[group.pk])
    for _n in range(2):
        measured(group, make_child(), {"T0": 10, "T1": 8, "T2": 6})
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    count = len(few.captured_queries)
    for _n in range(4):
        measured(group, make_child(), {"T0": 10, "T1": 8, "T2": 6})
    with django_assert_max_num_queries(count):
        client.get(url)


def test_behavioural_scientist_sets_the_reliability_for_the_own_organisation(hand_group, client_for, staff, org_a,
                                                                              org_b):
    gw = client_for(staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_rel"))
    template = hand_group.template
    url = reverse("courses:reliability", args=[template.pk])
    response = gw.post(url, {"instrument": "cats-self-7-17", "reliability": "1,2", "source": ""})
    assert response.status_code == 400 and "from 0 to below 1" in response.content.decode()
    assert 'value="1,2"' in response.content.decode()  # the input is kept
    response = gw.post(url, {"instrument": "cats-self-7-17", "reliability": "0,8", "source": "Testhandleiding 2020"})
    assert response.status_code == 302
    html = gw.get(reverse("courses:effect_group", args=[hand_group.pk])).content.decode()
    assert "data-reliability" in html and "Testhandleiding 2020" in html
    assert '<td data-improved>1 (25%)</td>' in html
    # another organisation's behavioural scientist does not change organisation A's report
    gw_b = client_for(staff(Role.GEDRAGSWETENSCHAPPER, org_b, username="gw_rel_b"))
    assert gw_b.post(url, {"instrument": "cats-self-7-17", "reliability": "0.5", "source": "Andere bron"}
                     ).status_code == 302
    html = gw.get(reverse("courses:effect_group", args=[hand_group.pk])).content.decode()
    assert "Andere bron" not in html and "Testhandleiding 2020" in html
    assert AuditEvent.objects.filter(detail="course reliability cats-self-7-17").count() == 2
    # a mentor may not set it
    mentor = client_for(staff(Role.MENTOR, org_a, username="m_rel"))
    assert mentor.post(url, {"instrument": "cats-self-7-17", "reliability": "0.1", "source": "x"}).status_code == 403


def test_reliability_of_an_instrument_outside_the_course_is_refused(hand_group, client_for, staff, org_a):
    gw = client_for(staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_rel2"))
    response = gw.post(reverse("courses:reliability", args=[hand_group.template.pk]),
                       {"instrument": "phq-9", "reliability": "0.8", "source": "Bron"})
    assert response.status_code == 400 and "not one of the course" in response.content.decode()


def test_pdf_of_the_group_report_names_no_child(hand_group, client_for, staff, org_a):
    response = client_for(staff(Role.TEAMLEIDER, org_a, username="tl_pdf")).get(
        reverse("courses:effect_group_pdf", args=[hand_group.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail="course effect report pdf").count() == 1


def test_pdf_html_has_the_numbers_and_no_names(hand_group):
    from django.template.loader import render_to_string
    from django.utils import translation

    from veerkracht.courses import effect, effect_views

    with translation.override("en"):
        html = render_to_string("courses/effect_pdf.html", {
            "group": hand_group, "template": hand_group.template, "today": hand_group.start_date,
            "reports": effect_views._charts(effect.group_report(hand_group))})
    # the project shows decimals with a comma (Dutch format, also in English)
    assert "<td>19,0</td>" in html and "<td>-2,0</td>" in html and "<td>-0,26</td>" in html
    assert "Visser" not in html
