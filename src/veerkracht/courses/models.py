"""Group courses (issue 7): course templates, groups opened by an organisation (possibly for the whole
region), their sessions, the children enrolled and who attended each session."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from veerkracht.clients.models import Person
from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.organisations.models import Organisation, Region


class CourseTemplate(TimeStampedModel):
    """A course format. Shipped ones (organisation null) come from courses/templates/*.json; an
    organisation may add its own."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    min_age = models.PositiveSmallIntegerField(_("minimum age"))
    max_age = models.PositiveSmallIntegerField(_("maximum age"))
    sessions = models.PositiveSmallIntegerField(_("number of child sessions"))
    minutes = models.PositiveSmallIntegerField(_("minutes per session"))
    max_children = models.PositiveSmallIntegerField(_("maximum number of children"))
    parent_sessions = models.PositiveSmallIntegerField(_("number of parent sessions"), default=0)
    focus_on_violence = models.BooleanField(_("focus on domestic violence"), default=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="course_templates",
        verbose_name=_("organisation"),
    )
    # Screening instrument ids per respondent, e.g. ["cats-self-7-17", "cats-caregiver-7-17"].
    instruments = models.JSONField(_("measurement instruments"), default=list, blank=True)
    # One topic per child session, in order.
    topics = models.JSONField(_("session topics"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("course template")
        verbose_name_plural = _("course templates")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(organisation__isnull=True),
                                    name="coursetemplate_unique_shipped_code"),
            models.UniqueConstraint(fields=["organisation", "code"], name="coursetemplate_unique_org_code"),
            models.CheckConstraint(condition=Q(min_age__lte=F("max_age")), name="coursetemplate_age_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def topic_for(self, number: int) -> str:
        """The topic of child session ``number`` (1-based), or "" when the template has none."""
        topics = list(self.topics or [])
        return str(topics[number - 1]) if 0 < number <= len(topics) else ""


class GroupStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("group status", "planned")
    RUNNING = "running", pgettext_lazy("group status", "running")
    COMPLETED = "completed", pgettext_lazy("group status", "completed")


class Group(TimeStampedModel):
    """One run of a course by an organisation. When ``region`` is set, workers of other organisations in
    that region may refer children to it. The meeting place is never shown to other organisations."""

    template = models.ForeignKey(CourseTemplate, on_delete=models.PROTECT, related_name="groups",
                                 verbose_name=_("course"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="course_groups")
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="course_groups",
        verbose_name=_("open to the region"),
    )
    meeting_place = EncryptedTextField(_("meeting place"), blank=True)
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="course_groups", blank=True,
                                      verbose_name=_("trainers"))
    start_date = models.DateField(_("start date"))
    max_children = models.PositiveSmallIntegerField(_("maximum number of children"))
    status = models.CharField(_("status"), max_length=10, choices=GroupStatus.choices, default=GroupStatus.PLANNED,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        indexes = [models.Index(fields=["organisation", "status"]), models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return self.name


class SessionKind(models.TextChoices):
    CHILD = "child", pgettext_lazy("session kind", "children's session")
    PARENT = "parent", pgettext_lazy("session kind", "parent session")


class Session(TimeStampedModel):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("number"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=SessionKind.choices, default=SessionKind.CHILD)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    is_makeup = models.BooleanField(_("make-up session"), default=False)
    # For a make-up session: the session it makes up for.
    makeup_for = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="makeups",
                                   verbose_name=_("makes up for"))

    class Meta:
        ordering = ["group", "date", "kind", "number"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["group", "kind", "number"], condition=Q(is_makeup=False),
                                    name="session_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.kind} {self.number}"


class EnrolmentStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("enrolment status", "waiting list")
    ENROLLED = "enrolled", pgettext_lazy("enrolment status", "enrolled")
    DROPPED_OUT = "dropped_out", pgettext_lazy("enrolment status", "dropped out")
    COMPLETED = "completed", pgettext_lazy("enrolment status", "completed")


ACTIVE_ENROLMENT = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


class DropoutReason(models.TextChoices):
    LEFT = "left", pgettext_lazy("dropout reason", "moved or left the shelter")
    NOT_MOTIVATED = "not_motivated", pgettext_lazy("dropout reason", "child or parent no longer wanted to take part")
    TOO_HEAVY = "too_heavy", pgettext_lazy("dropout reason", "the course was too heavy for the child")
    SAFETY = "safety", pgettext_lazy("dropout reason", "safety reasons")
    OTHER_HELP = "other_help", pgettext_lazy("dropout reason", "other help was more suitable")
    OTHER = "other", pgettext_lazy("dropout reason", "other reason")


class Enrolment(TimeStampedModel):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="enrolments")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="course_enrolments")
    status = models.CharField(_("status"), max_length=12, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.ENROLLED, db_index=True)
    dropout_reason = models.CharField(_("reason for dropping out"), max_length=20, choices=DropoutReason.choices,
                                      blank=True)
    dropped_out_on = models.DateField(_("dropped out on"), null=True, blank=True)
    # A worker of the child's own organisation (the referral when the group is another organisation's).
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("referred by"))

    class Meta:
        ordering = ["group", "created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["group", "child"], name="enrolment_unique_child"),
            models.CheckConstraint(
                condition=Q(status=EnrolmentStatus.DROPPED_OUT) | Q(dropout_reason=""),
                name="enrolment_reason_only_when_dropped_out",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.child_id} ({self.status})"


class Attendance(models.Model):
    """Whether one person (the child, or a parent at a parent session) was present at one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"))
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment", "person"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.person_id} {'present' if self.present else 'absent'}"


# --- Measurements (helper "effect") -------------------------------------------------------------------


class Timepoint(models.TextChoices):
    T0 = "T0", pgettext_lazy("measurement", "T0 (before the course)")
    T1 = "T1", pgettext_lazy("measurement", "T1 (after the last session)")
    T2 = "T2", pgettext_lazy("measurement", "T2 (six months after)")


class Measurement(TimeStampedModel):
    """One questionnaire planned for one enrolled child at one time point; ``administration`` links the
    screening result once it has been entered (screening.services.do_record_administration)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="measurements")
    timepoint = models.CharField(_("time point"), max_length=2, choices=Timepoint.choices)
    instrument_id = models.CharField(_("instrument"), max_length=60)
    due_on = models.DateField(_("due on"))
    administration = models.ForeignKey("screening.Administration", on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="course_measurements")

    class Meta:
        ordering = ["enrolment", "timepoint", "instrument_id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "timepoint", "instrument_id"], name="measurement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.timepoint} {self.instrument_id}"


class InstrumentReliability(TimeStampedModel):
    """The reliability r of one instrument as an organisation uses it with one course template, with its
    source (for the reliable change index). Required: without it the report shows no RCI. Per
    organisation, so no organisation changes another's report."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(CourseTemplate, on_delete=models.CASCADE, related_name="reliabilities")
    instrument_id = models.CharField(_("instrument"), max_length=60)
    reliability = models.DecimalField(_("reliability (r)"), max_digits=4, decimal_places=3)
    source = models.CharField(_("source of the reliability"), max_length=300)

    class Meta:
        ordering = ["template", "instrument_id"]
        verbose_name = _("reliability of an instrument")
        verbose_name_plural = _("reliabilities of instruments")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "template", "instrument_id"],
                                    name="reliability_unique_per_organisation"),
            models.CheckConstraint(condition=Q(reliability__gte=0) & Q(reliability__lt=1),
                                   name="reliability_range"),
        ]

    def __str__(self) -> str:
        return f"{self.template_id}: {self.instrument_id} r={self.reliability}"
