"""Activity 2, contact with the father: per child pathway and per father one record.

The record holds how to reach him, the safety assessment (required before any contact attempt),
his view on the child, the agreements about contact, the outcome, and, when there is a contact
ban or restraining order, the behavioural scientist's explicit exception (override).
All free text is encrypted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.models import Person
from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import Pathway


class Answer(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    UNKNOWN = "unknown", _("unknown")


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class ContactStatus(models.TextChoices):
    NOT_YET = "not_yet", _("not yet")
    CONTACTED = "contacted", _("contacted")
    NO_CONTACT = "no_contact", _("no contact")


RESOLVED_STATUSES = (ContactStatus.CONTACTED, ContactStatus.NO_CONTACT)


class NoContactReason(models.TextChoices):
    BAN = "ban", _("contact ban or restraining order")
    UNSAFE = "unsafe", _("unsafe for mother or child")
    UNREACHABLE = "unreachable", _("father cannot be reached")
    REFUSES = "refuses", _("father refuses")
    UNKNOWN_OR_DECEASED = "unknown_or_deceased", _("father unknown or deceased")
    OTHER = "other", _("other")


class AttemptWay(models.TextChoices):
    PHONE = "phone", _("phone")
    LETTER = "letter", _("letter")
    EMAIL = "email", _("e-mail")
    IN_PERSON = "in_person", _("in person")
    VIA_PROFESSIONAL = "via_professional", _("via a lawyer or another professional")
    OTHER = "other", _("other")


class AttemptResult(models.TextChoices):
    REACHED = "reached", _("reached")
    NOT_REACHED = "not_reached", _("not reached")
    REFUSED = "refused", _("refused by the father")


class FatherContact(TimeStampedModel):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="father_contacts")
    father = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="father_contacts", verbose_name=_("father")
    )
    # Never shown together with anything about the shelter location.
    how_to_reach = EncryptedTextField(_("how to reach him"), blank=True)

    # Safety assessment: required before a contact attempt can be recorded.
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("assessed by"),
    )
    suspected_perpetrator = models.CharField(
        _("suspected perpetrator"), max_length=8, choices=Answer.choices, blank=True
    )
    contact_ban = models.BooleanField(_("contact ban (contactverbod)"), default=False)
    restraining_order = models.BooleanField(_("restraining order (straatverbod or huisverbod)"), default=False)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, blank=True)
    assessment_notes = EncryptedTextField(_("notes on the assessment"), blank=True)

    father_view = EncryptedTextField(_("his view on the child"), blank=True)
    agreements = EncryptedTextField(_("agreements about contact with the child"), blank=True)

    status = models.CharField(_("outcome"), max_length=12, choices=ContactStatus.choices, default=ContactStatus.NOT_YET)
    status_on = models.DateField(_("outcome since"), null=True, blank=True)
    no_contact_reason = models.CharField(
        _("reason for no contact"), max_length=24, choices=NoContactReason.choices, blank=True
    )
    no_contact_other = EncryptedTextField(_("other reason"), blank=True)

    # The behavioural scientist's explicit exception to the contact ban / restraining order.
    override_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("exception granted by"),
    )
    override_granted_at = models.DateTimeField(_("exception granted at"), null=True, blank=True)
    override_reason = EncryptedTextField(_("reason for the exception"), blank=True)

    class Meta:
        ordering = ["pathway", "father__last_name", "father__first_name", "pk"]
        verbose_name = _("contact with the father")
        verbose_name_plural = _("contacts with fathers")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "father"], name="fathercontact_unique"),
            models.CheckConstraint(
                condition=~Q(status=ContactStatus.NO_CONTACT) | ~Q(no_contact_reason=""),
                name="fathercontact_no_contact_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pathway_id}: {self.father_id} ({self.status})"

    @property
    def assessment_done(self) -> bool:
        return self.assessed_on is not None and bool(self.suspected_perpetrator) and bool(self.risk_level)

    @property
    def has_ban(self) -> bool:
        return self.contact_ban or self.restraining_order

    @property
    def override_granted(self) -> bool:
        return self.override_granted_at is not None

    @property
    def contact_allowed(self) -> bool:
        """Contact may be recorded: no ban, or the behavioural scientist's exception."""
        return not self.has_ban or self.override_granted

    @property
    def is_resolved(self) -> bool:
        return self.status in RESOLVED_STATUSES


class ContactAttempt(TimeStampedModel):
    contact = models.ForeignKey(FatherContact, on_delete=models.CASCADE, related_name="attempts")
    date = models.DateField(_("date"))
    way = models.CharField(_("way"), max_length=20, choices=AttemptWay.choices)
    result = models.CharField(_("result"), max_length=12, choices=AttemptResult.choices)
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["contact", "date", "pk"]
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.date:%d-%m-%Y} {self.result}"
