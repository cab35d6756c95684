from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nl")
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Demo accounts can only log in when demo mode is on; production refuses to start while any exist."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    # -- what the access log records about the actor ------------------------------------
    @property
    def membership_or_none(self):  # type: ignore[no-untyped-def]
        cached = self.__dict__.get("_membership_cache", False)
        if cached is not False:
            return cached
        from veerkracht.organisations.models import Membership

        membership = (
            Membership.objects.select_related("organisation", "region").filter(user_id=self.pk).first()
            if self.pk
            else None
        )
        self.__dict__["_membership_cache"] = membership
        return membership

    @property
    def role(self) -> str:
        membership = self.membership_or_none
        return membership.role if membership else ""

    @property
    def audit_role(self) -> str:
        return self.role

    @property
    def audit_organisation_id(self) -> int | None:
        membership = self.membership_or_none
        return membership.organisation_id if membership else None
