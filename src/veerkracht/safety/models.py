"""Activity 3: the child's safety plan (veiligheidsplan). Every save appends a revision; a revision
is never edited (only its adoption is recorded on it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import Pathway


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted")


class PlanLanguage(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


# The content of a revision, in the order of the form: (field name, label).
CONTENT_FIELDS: list[tuple[str, object]] = [
    ("risks", _("Risks and danger signals")),
    ("when_unsafe", _("What the child does when it feels unsafe")),
    ("safe_places", _("Safe places")),
    ("safe_persons", _("Safe persons and how to reach them")),
    ("code_word", _("Code word")),
    ("agreements_parent", _("Agreements with the parent")),
    ("agreements_school", _("Agreements with the school")),
    ("agreements_network", _("Agreements with the network")),
    ("father_contact", _("Arrangements about contact with the father")),
    ("who_knows", _("Who knows the plan")),
    ("child_words", _("The child's own words")),
    ("drawings", _("Drawings, described in words")),
]
CONTENT_NAMES = [name for name, _label in CONTENT_FIELDS]
CONTENT_LABELS = dict(CONTENT_FIELDS)


class SafetyPlan(TimeStampedModel):
    """One per pathway: its status, review date and language; the content is in the revisions."""

    pathway = models.OneToOneField(Pathway, on_delete=models.CASCADE, related_name="safety_plan")
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
                              db_index=True)
    review_date = models.DateField(_("review date"), null=True, blank=True, db_index=True)
    adopted_revision = models.ForeignKey(
        "SafetyPlanRevision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("adopted revision"),
    )
    language = models.CharField(_("language of the plan"), max_length=5, choices=PlanLanguage.choices,
                                default=PlanLanguage.DUTCH)

    class Meta:
        verbose_name = _("safety plan")
        verbose_name_plural = _("safety plans")

    def __str__(self) -> str:
        return f"safety plan {self.pk} ({self.status})"


class SafetyPlanRevision(models.Model):
    """One saved state of the plan. Append-only: the content of a revision is never changed."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    risks = EncryptedTextField(_("risks and danger signals"), blank=True)
    when_unsafe = EncryptedTextField(_("what the child does when it feels unsafe"), blank=True)
    safe_places = EncryptedTextField(_("safe places"), blank=True)
    safe_persons = EncryptedTextField(_("safe persons and how to reach them"), blank=True)
    code_word = EncryptedTextField(_("code word"), blank=True)
    agreements_parent = EncryptedTextField(_("agreements with the parent"), blank=True)
    agreements_school = EncryptedTextField(_("agreements with the school"), blank=True)
    agreements_network = EncryptedTextField(_("agreements with the network"), blank=True)
    father_contact = EncryptedTextField(_("arrangements about contact with the father"), blank=True)
    who_knows = EncryptedTextField(_("who knows the plan"), blank=True)
    child_words = EncryptedTextField(_("the child's own words"), blank=True)
    drawings = EncryptedTextField(_("drawings, described in words"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("saved by"),
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("adopted by"),
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    review_date = models.DateField(_("review date set at adoption"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("safety plan revision")
        verbose_name_plural = _("safety plan revisions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="safetyplanrevision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"safety plan {self.plan_id} revision {self.number}"

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in CONTENT_NAMES}
