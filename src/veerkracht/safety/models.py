"""Activity 3: the child's safety plan (veiligheidsplan). Every save appends a revision; a revision
is never edited (only its adoption is recorded on it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import Pathway


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted")


# Local names of plan languages Django does not know (settings.VEERKRACHT_PLAN_LANGUAGES may name them).
EXTRA_LANGUAGE_INFO: dict[str, dict[str, Any]] = {
    "ti": {"name_local": "ትግርኛ", "bidi": False},  # Tigrinya
}


def plan_languages() -> list[str]:
    """The languages a plan (and its PDFs) can be in: settings.VEERKRACHT_PLAN_LANGUAGES, in that order."""
    codes = getattr(settings, "VEERKRACHT_PLAN_LANGUAGES", None) or ["nl", "en"]
    return [str(code).strip() for code in codes if str(code).strip()]


def default_plan_language() -> str:
    """The first plan language of the setting (Dutch unless configured otherwise)."""
    return next(iter(plan_languages()), "nl")


def language_info(code: str) -> dict[str, Any]:
    """``name_local`` and ``bidi`` of a language code; an unknown code is shown as itself, left to right."""
    try:
        info = get_language_info(code)
    except KeyError:
        info = EXTRA_LANGUAGE_INFO.get(code, {})
    return {"code": code, "name_local": info.get("name_local") or code, "bidi": bool(info.get("bidi"))}


def plan_language_choices() -> list[tuple[str, str]]:
    """(code, name in that language) for every plan language, e.g. ("nl", "Nederlands")."""
    return [(code, language_info(code)["name_local"]) for code in plan_languages()]


class _PlanLanguages:
    """The plan languages with the API of the former TextChoices: ``values``/``choices`` follow the setting."""

    DUTCH = "nl"
    ENGLISH = "en"

    @property
    def values(self) -> list[str]:
        return plan_languages()

    @property
    def choices(self) -> list[tuple[str, str]]:
        return plan_language_choices()


PlanLanguage = _PlanLanguages()


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
    # A code of settings.VEERKRACHT_PLAN_LANGUAGES (no choices here: the setting decides, services check).
    language = models.CharField(_("language of the plan"), max_length=10, default=PlanLanguage.DUTCH)

    class Meta:
        verbose_name = _("safety plan")
        verbose_name_plural = _("safety plans")

    def __str__(self) -> str:
        return f"safety plan {self.pk} ({self.status})"

    @property
    def language_name(self) -> str:
        """The plan's language in that language, e.g. "Nederlands"."""
        return language_info(self.language)["name_local"]


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
