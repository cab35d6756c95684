"""Authorization rows of the effect report (merged in authz.py)."""

from veerkracht.accounts.roles import Role as _Role
from veerkracht.testing.authz import CLIENT_READERS, PATHWAY_EDITORS, REDIRECT, protected

# A shipped course's report covers only the viewer's own groups, so organisation B opens it (empty).
MATRIX: dict[str, dict[str, str]] = {
    "courses:effect_group": protected(CLIENT_READERS, object_page=True),
    "courses:effect_group_csv": protected(CLIENT_READERS, object_page=True),
    "courses:effect_template": protected(CLIENT_READERS | {"other_organisation"}, object_page=False),
    "courses:effect_template_csv": protected(CLIENT_READERS | {"other_organisation"}, object_page=False),
    "courses:effect_group_pdf": protected(CLIENT_READERS, object_page=True),
    "courses:effect_template_pdf": protected(CLIENT_READERS | {"other_organisation"}, object_page=False),
    # a behavioural scientist of any organisation sets the reliability for the own organisation's reports
    "courses:reliability": protected({_Role.GEDRAGSWETENSCHAPPER}, object_page=False),
    # the one-click referral of a child above the cut-off at T1 (a T1 measurement); a GET goes back to the report
    "courses:effect_refer": protected(PATHWAY_EDITORS, object_page=True, ok=REDIRECT),
}
WRITE_URLS: list[str] = ["courses:reliability", "courses:effect_refer"]


def objects(base, found):  # type: ignore[no-untyped-def]
    """``found``: the objects of authz_groups (a group with one enrolled child)."""
    import datetime

    from veerkracht.courses.models import Measurement

    group = found["courses:detail"]
    t1 = Measurement.objects.create(enrolment=found["courses:enrolment"], timepoint="T1",
                                    instrument_id="cats-self-7-17", due_on=datetime.date(2026, 12, 1))
    return {"courses:effect_refer": t1,
            "courses:effect_group": group, "courses:effect_group_csv": group,
            "courses:effect_template": group.template, "courses:effect_template_csv": group.template,
            "courses:reliability": group.template, "courses:effect_group_pdf": group,
            "courses:effect_template_pdf": group.template}
