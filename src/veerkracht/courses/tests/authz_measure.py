"""Authorization rows of the measurement pages (merged in authz.py)."""

from veerkracht.testing.authz import CLIENT_READERS, protected

MATRIX: dict[str, dict[str, str]] = {
    "courses:measurements": protected(CLIENT_READERS, object_page=True),
    "courses:measurement": protected(CLIENT_READERS, object_page=True),
    # entering the questionnaire: the editing roles of the child's organisation (all client readers)
    "courses:measurement_enter": protected(CLIENT_READERS, object_page=True),
}
WRITE_URLS: list[str] = ["courses:measurements", "courses:measurement", "courses:measurement_enter"]


def objects(base, found):  # type: ignore[no-untyped-def]
    """``found``: the objects of authz_groups (a group with one enrolled child)."""
    import datetime

    from veerkracht.courses.models import Measurement

    group, enrolment = found["courses:detail"], found["courses:enrolment"]
    measurement = Measurement.objects.create(enrolment=enrolment, timepoint="T0", instrument_id="cats-self-7-17",
                                             due_on=datetime.date(2026, 12, 1))
    return {"courses:measurements": group, "courses:measurement": measurement,
            "courses:measurement_enter": measurement}
