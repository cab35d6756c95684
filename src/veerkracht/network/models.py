"""Activity 6: resources from the child's network, shown as a list and as an ecomap."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import Pathway


class MemberType(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")


class RelationKind(models.TextChoices):
    FAMILY = "family", _("family")
    FRIEND = "friend", _("friend")
    SCHOOL = "school", _("school or day care")
    NEIGHBOUR = "neighbour", _("neighbour")
    PROFESSIONAL = "professional", _("professional care")
    SPORT = "sport", _("sport or club")
    FAITH = "faith", _("faith community")
    OTHER = "other", _("other")


class Quality(models.TextChoices):
    SUPPORTIVE = "supportive", _("supportive")
    NEUTRAL = "neutral", _("neutral")
    RISK = "risk", _("a risk")


class NetworkMember(TimeStampedModel):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="network_members")
    # A third party's personal data: encrypted like every free text about a client.
    name = EncryptedTextField(_("name"))
    member_type = models.CharField(_("person or organisation"), max_length=12, choices=MemberType.choices,
                                   default=MemberType.PERSON)
    relation = models.CharField(_("relation"), max_length=12, choices=RelationKind.choices)
    role = models.CharField(_("role"), max_length=80, blank=True)
    quality = models.CharField(_("quality of the relation"), max_length=10, choices=Quality.choices)
    contact_allowed = models.BooleanField(_("contact allowed"), default=True)
    safe_person = models.BooleanField(_("safe person for the child"), default=False)
    reach = EncryptedTextField(_("how to reach them"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["pathway", "pk"]
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        constraints = [
            models.CheckConstraint(condition=~(Q(quality="risk") & Q(safe_person=True)), name="networkmember_risk_not_safe"),
        ]

    def __str__(self) -> str:
        return f"{self.pathway_id}: {self.relation} ({self.quality})"
