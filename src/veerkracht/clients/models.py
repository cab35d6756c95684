from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.organisations.models import Location, Organisation, Team

ADULT_AGE = 18


def age_on(birth_date: datetime.date | None, on: datetime.date | None = None) -> int | None:
    if birth_date is None:
        return None
    on = on or timezone.localdate()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


class Household(TimeStampedModel):
    """A parent with her children who arrive together: the family case."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="households")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="households", verbose_name=_("team"))
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentor_households", verbose_name=_("mentor")
    )
    reference = models.CharField(_("household number"), max_length=32)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["organisation", "reference"], name="household_unique_reference")]

    def __str__(self) -> str:
        return self.reference


class PersonKind(models.TextChoices):
    CHILD = "child", _("child")
    MOTHER = "mother", _("mother")
    CAREGIVER = "caregiver", _("other caregiver")
    FATHER = "father", _("father")


PARENT_KINDS = (PersonKind.MOTHER, PersonKind.CAREGIVER, PersonKind.FATHER)


class Gender(models.TextChoices):
    GIRL_WOMAN = "f", _("female")
    BOY_MAN = "m", _("male")
    OTHER = "x", _("other")
    UNKNOWN = "u", _("unknown")


class Person(TimeStampedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="persons")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    kind = models.CharField(_("kind"), max_length=10, choices=PersonKind.choices)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=120)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    client_number = models.CharField(_("client number"), max_length=32, null=True, blank=True)
    child_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="children_in_care", verbose_name=_("child worker")
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "client_number"], name="person_unique_client_number"),
            models.CheckConstraint(
                condition=Q(kind="father") | Q(client_number__isnull=False), name="person_client_has_number"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "kind", "last_name"]),
            models.Index(fields=["organisation", "last_name", "first_name", "birth_date"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date)

    @property
    def is_child(self) -> bool:
        return self.kind == PersonKind.CHILD


class Authority(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    UNKNOWN = "unknown", _("unknown")


class Relationship(models.TextChoices):
    BIOLOGICAL = "biological", _("biological parent")
    ADOPTIVE = "adoptive", _("adoptive parent")
    STEP = "step", _("step-parent")
    FOSTER = "foster", _("foster parent")
    OTHER = "other", _("other")


class ParentChild(TimeStampedModel):
    """The relation between one parent and one child, with parental authority (gezag)."""

    parent = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="child_links")
    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="parent_links")
    relationship = models.CharField(_("relationship"), max_length=12, choices=Relationship.choices, default=Relationship.BIOLOGICAL)
    authority = models.CharField(_("parental authority"), max_length=8, choices=Authority.choices, default=Authority.UNKNOWN)
    authority_checked_on = models.DateField(_("checked in the gezagsregister on"), null=True, blank=True)

    class Meta:
        verbose_name = _("parent-child relation")
        verbose_name_plural = _("parent-child relations")
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="parentchild_unique"),
            models.CheckConstraint(condition=~Q(parent=F("child")), name="parentchild_not_self"),
        ]


class CareType(models.TextChoices):
    RESIDENTIAL = "24h", _("24-hour shelter")
    AMBULANT = "ambulant", _("ambulant")


class StayReason(models.TextChoices):
    DOMESTIC_VIOLENCE = "domestic_violence", _("domestic violence")
    HOMELESSNESS = "homelessness", _("homelessness")
    OTHER = "other", _("other")


class Destination(models.TextChoices):
    OWN_HOME = "own_home", _("own (new) home")
    BACK_HOME = "back_home", _("back to the former home")
    FAMILY = "family", _("family or friends")
    OTHER_SHELTER = "other_shelter", _("other shelter")
    SUPPORTED_HOUSING = "supported_housing", _("supported housing")
    YOUTH_CARE = "youth_care", _("youth care placement")
    UNKNOWN = "unknown", _("unknown")
    OTHER = "other", _("other")


class Stay(TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="stays")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stays", verbose_name=_("location"))
    care_type = models.CharField(_("type of care"), max_length=10, choices=CareType.choices, default=CareType.RESIDENTIAL)
    admission_date = models.DateField(_("admission date"))
    discharge_date = models.DateField(_("discharge date"), null=True, blank=True)
    reason = models.CharField(_("reason for shelter"), max_length=20, choices=StayReason.choices)
    destination = models.CharField(_("destination at discharge"), max_length=20, choices=Destination.choices, blank=True)

    class Meta:
        ordering = ["-admission_date"]
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        constraints = [
            models.CheckConstraint(
                condition=Q(discharge_date__isnull=True) | Q(discharge_date__gte=F("admission_date")),
                name="stay_discharge_after_admission",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(discharge_date__isnull=True), name="stay_one_open_per_person"
            ),
        ]
        indexes = [models.Index(fields=["location", "discharge_date"]), models.Index(fields=["admission_date"])]

    @property
    def is_open(self) -> bool:
        return self.discharge_date is None


class Transfer(models.Model):
    """A move of a stay from one location to another (history of the stay)."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="transfers")
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    to_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date of transfer"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.stay_id}: {self.from_location_id} -> {self.to_location_id} ({self.date:%d-%m-%Y})"


class EmergencyAccess(models.Model):
    """Break-the-glass: a worker opens a client outside their own scope, with a reason.

    Time-limited; marked in the access log; reviewed and closed by the log administrator.
    Only within the worker's own organisation (another organisation's children are
    reached through a referral or handover, never by breaking the glass).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="emergency_accesses")
    reason = EncryptedTextField(_("reason"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = EncryptedTextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.person_id} ({self.started_at:%d-%m-%Y %H:%M})"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None
