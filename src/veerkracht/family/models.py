"""Activity 5 (parenting and living situation) and activity 8 (support of parents)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.models import Person
from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import Pathway

# The topics of the parenting conversation, in the order they are shown (all free text, encrypted).
TOPICS = (
    "parenting_skills",
    "view_of_child",
    "relationship",
    "parent_wellbeing",
    "school",
    "health",
    "housing",
    "strengths",
)


class ParentingAssessment(TimeStampedModel):
    """One conversation record per pathway about the child's parenting and living situation."""

    pathway = models.OneToOneField(Pathway, on_delete=models.CASCADE, related_name="parenting_assessment")
    # The parent it was discussed with (a parent of the child); kept so that it can link to the
    # parent's own screenings later.
    parent = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("discussed with")
    )
    conversation_date = models.DateField(_("date of the conversation"))
    parenting_skills = EncryptedTextField(_("parenting skills"), blank=True)
    view_of_child = EncryptedTextField(_("the parent's view of the child"), blank=True)
    relationship = EncryptedTextField(_("parent-child relationship"), blank=True)
    parent_wellbeing = EncryptedTextField(_("the parent's own wellbeing"), blank=True)
    school = EncryptedTextField(_("school or day care"), blank=True)
    health = EncryptedTextField(_("health"), blank=True)
    housing = EncryptedTextField(_("housing prospects"), blank=True)
    strengths = EncryptedTextField(_("strengths"), blank=True)

    class Meta:
        verbose_name = _("parenting and living situation")
        verbose_name_plural = _("parenting and living situations")

    def __str__(self) -> str:
        return f"{self.pathway_id}: {self.conversation_date:%d-%m-%Y}"


class SupportKind(models.TextChoices):
    CONTACT = "contact", _("parenting support contact")
    OFFER = "offer", _("offer")
    REFERRAL = "referral", _("referral")
    SESSION = "session", _("parent session")


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    STARTED = "started", _("started")
    COMPLETED = "completed", _("completed")


class ParentSupportItem(TimeStampedModel):
    """One contact, offer, referral or parent session in the support of a child's parent."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="parent_support_items")
    parent = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("parent"))
    kind = models.CharField(_("kind"), max_length=12, choices=SupportKind.choices)
    date = models.DateField(_("date"))
    description = EncryptedTextField(_("description"), blank=True)
    referred_to = EncryptedTextField(_("referred to"), blank=True)
    referral_status = models.CharField(_("status of the referral"), max_length=12, choices=ReferralStatus.choices, blank=True)
    participated = models.BooleanField(_("participated"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("parent support item")
        verbose_name_plural = _("parent support items")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=SupportKind.REFERRAL) | Q(referral_status=""), name="parentsupport_status_only_referral"
            ),
            models.CheckConstraint(
                condition=Q(kind=SupportKind.SESSION) | Q(participated__isnull=True),
                name="parentsupport_participated_only_session",
            ),
        ]
        indexes = [models.Index(fields=["pathway", "date"])]

    def __str__(self) -> str:
        return f"{self.pathway_id}: {self.kind} {self.date:%d-%m-%Y}"
