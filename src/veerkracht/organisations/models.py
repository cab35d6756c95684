from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veerkracht.accounts.roles import Role
from veerkracht.core.fields import EncryptedTextField


class Region(models.Model):
    """A centrumgemeente region: the municipality that funds shelter care for its region."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=160, unique=True)
    short_code = models.CharField(
        _("short code"), max_length=8, unique=True, help_text=_("Prefix of the client numbers, for example VOA.")
    )
    regions = models.ManyToManyField(Region, related_name="organisations", verbose_name=_("regions served"), blank=True)
    restrict_to_teams = models.BooleanField(
        _("workers see only their own teams and locations"),
        default=False,
        help_text=_("When on, child workers and mentors see only clients of their own teams or locations."),
    )
    next_client_number = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class LocationKind(models.TextChoices):
    SHELTER = "shelter", _("24-hour shelter")
    AMBULANT = "ambulant", _("ambulant team")


class Location(models.Model):
    """A shelter house or an ambulant team. The address is secret: stored encrypted,
    shown only on the location's own page to staff of the organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=LocationKind.choices, default=LocationKind.SHELTER)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="locations", verbose_name=_("region"))
    address = EncryptedTextField(_("address (secret)"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="location_unique_name_per_org")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    locations = models.ManyToManyField(Location, related_name="teams", blank=True, verbose_name=_("locations"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name_per_org")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Links a user to an organisation (with a role, teams and locations), or a
    municipality user to a region."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name=_("organisation")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name=_("region")
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="memberships", verbose_name=_("teams"))
    locations = models.ManyToManyField(Location, blank=True, related_name="memberships", verbose_name=_("locations"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role=Role.GEMEENTE, region__isnull=False, organisation__isnull=True))
                | (~Q(role=Role.GEMEENTE) & Q(organisation__isnull=False, region__isnull=True)),
                name="membership_gemeente_has_region_staff_has_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
