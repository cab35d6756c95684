"""The monitoring's fact table: one row per child pathway, without personal data (ADR 0014).

No foreign keys: a fact row outlives the retention purge or the deletion of the records it was
counted from, so figures of past years do not change. Only ids, codes, dates of the stay and the
intake, day counts and booleans; the age only as an age group at admission.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgeGroup(models.TextChoices):
    """Age in whole years on the admission date; the bands follow the intake forms, instruments and
    courses (ADR 0014)."""

    AGE_0_3 = "0-3", pgettext_lazy("age group", "0-3 years")
    AGE_4_6 = "4-6", pgettext_lazy("age group", "4-6 years")
    AGE_7_11 = "7-11", pgettext_lazy("age group", "7-11 years")
    AGE_12_17 = "12-17", pgettext_lazy("age group", "12-17 years")
    UNKNOWN = "unknown", pgettext_lazy("age group", "age unknown")


def age_group(age: int | None) -> str:
    if age is None or age < 0:
        return AgeGroup.UNKNOWN
    if age <= 3:
        return AgeGroup.AGE_0_3
    if age <= 6:
        return AgeGroup.AGE_4_6
    if age <= 11:
        return AgeGroup.AGE_7_11
    return AgeGroup.AGE_12_17


# The boolean facts, in the order of the ADR's table (the indicator expressions may use these and the
# other fields in FACT_FIELDS).
BOOLEAN_FACTS = (
    "has_intake", "intake_on_time", "safety_plan", "screened", "above_cutoff", "referred", "referral_started",
    "father_contact_attempted", "father_contact_realised", "father_not_safe", "network_mapped", "help_plan",
    "help_plan_evaluation_due", "help_plan_evaluated_on_time", "parent_support", "course_enrolled",
    "course_completed", "course_t1_measured", "course_t1_improved", "course_t2_measured", "course_t2_improved",
    "meldcode_consulted", "meldcode_reported",
)
NUMERIC_FACTS = ("days_to_intake", "length_of_stay_days")
# The fields a breakdown may use.
BREAKDOWNS = ("year", "quarter", "region_id", "organisation_id", "location_id", "care_type", "age_group")
OTHER_FACTS = ("destination", "admitted_on", "discharged_on", "intake_on")
FACT_FIELDS = frozenset(BOOLEAN_FACTS + NUMERIC_FACTS + BREAKDOWNS + OTHER_FACTS)


def _flag(label: str) -> models.BooleanField:
    return models.BooleanField(label, default=False)


class ChildStayFact(models.Model):
    pathway_id = models.BigIntegerField(_("pathway"), unique=True)
    organisation_id = models.BigIntegerField(_("organisation"))
    region_id = models.BigIntegerField(_("region"))
    location_id = models.BigIntegerField(_("location"))
    care_type = models.CharField(_("type of care"), max_length=10)
    admitted_on = models.DateField(_("admission date"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices)
    discharged_on = models.DateField(_("discharge date"), null=True, blank=True)
    length_of_stay_days = models.PositiveIntegerField(_("length of stay (days)"), null=True, blank=True)
    destination = models.CharField(_("destination at discharge"), max_length=20, blank=True)

    has_intake = _flag(_("own intake"))
    intake_on = models.DateField(_("intake on"), null=True, blank=True)
    intake_on_time = _flag(_("intake within the deadline"))
    days_to_intake = models.PositiveIntegerField(_("days from admission to intake"), null=True, blank=True)
    safety_plan = _flag(_("safety plan"))
    screened = _flag(_("screened"))
    above_cutoff = _flag(_("above a cut-off"))
    referred = _flag(_("referred"))
    referral_started = _flag(_("referral started"))
    father_contact_attempted = _flag(_("contact with the father attempted"))
    father_contact_realised = _flag(_("contact with the father realised"))
    father_not_safe = _flag(_("no contact with the father: not safe"))
    network_mapped = _flag(_("network mapped"))
    help_plan = _flag(_("help plan"))
    help_plan_evaluation_due = _flag(_("help plan evaluation due"))
    help_plan_evaluated_on_time = _flag(_("help plan evaluated on time"))
    parent_support = _flag(_("parent support"))
    course_enrolled = _flag(_("took part in a group course"))
    course_completed = _flag(_("completed a group course"))
    course_t1_measured = _flag(_("course outcome measured at T1"))
    course_t1_improved = _flag(_("reliably improved at T1"))
    course_t2_measured = _flag(_("course outcome measured at T2"))
    course_t2_improved = _flag(_("reliably improved at T2"))
    meldcode_consulted = _flag(_("Veilig Thuis consulted (Meldcode)"))
    meldcode_reported = _flag(_("reported to Veilig Thuis (Meldcode)"))
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("monitoring fact")
        verbose_name_plural = _("monitoring facts")
        indexes = [
            models.Index(fields=["year", "region_id"], name="monfact_year_region"),
            models.Index(fields=["year", "organisation_id"], name="monfact_year_org"),
            models.Index(fields=["region_id", "year"], name="monfact_region_year"),
            models.Index(fields=["organisation_id", "year"], name="monfact_org_year"),
        ]

    def __str__(self) -> str:
        return f"pathway {self.pathway_id} ({self.year})"


class Publication(models.Model):
    """One admission year's national publication, protected once (``queries.national``): which cells are
    hidden, and why. Every region page, the trend, the breakdowns and the exports read their cells from
    it (through its slices). ``stamp`` is a digest of the year's fact rows (their number and ids) and of
    the indicator definitions, so a publication is reused only for exactly the facts it was computed
    from; ``facts.refresh`` deletes the publications of the years it touched. ``payload``: the hidden cell
    ids per reason (no counts, no names)."""

    year = models.PositiveSmallIntegerField(_("year"))
    policy_key = models.CharField(_("policy"), max_length=64)
    stamp = models.CharField(_("facts stamp"), max_length=64)
    payload = models.JSONField(_("hidden cells"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("monitoring publication")
        verbose_name_plural = _("monitoring publications")
        constraints = [
            models.UniqueConstraint(fields=["year", "policy_key", "stamp"], name="monpub_year_policy_stamp"),
        ]

    def __str__(self) -> str:
        return f"publication {self.year} ({self.policy_key})"


class PublicationSlice(models.Model):
    """What one region's pages read of a national publication, so that a page view does not rebuild the
    national table: the region's cells and the national ones, each with its count and whether it is
    hidden and why (``cells``: ``[cell id, count, flags]``; flags 1 small, 2 secondary, 4 unprotected).
    ``region_id`` 0: the national cells only (beside a team leader's own organisation). Aggregated counts
    only, no names; written with the publication, deleted with it."""

    publication = models.ForeignKey(Publication, on_delete=models.DB_CASCADE, related_name="slices",
                                    verbose_name=_("publication"))
    region_id = models.BigIntegerField(_("region"))
    cells = models.JSONField(_("cells"))

    class Meta:
        verbose_name = _("monitoring publication slice")
        verbose_name_plural = _("monitoring publication slices")
        constraints = [
            models.UniqueConstraint(fields=["publication", "region_id"], name="monslice_publication_region"),
        ]

    def __str__(self) -> str:
        return f"slice {self.region_id} of {self.publication}"
