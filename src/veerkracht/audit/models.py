"""The access log (NEN 7513): append-only events, chained with a keyed hash.

Events refer to users, organisations and clients by id and a non-sensitive label
instead of foreign keys, so that removing a record never removes or blocks its
trail. Values of changed fields are never logged, only their names.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("created")
    READ = "read", _("viewed")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    SEARCH = "search", _("searched")
    PRINT = "print", _("printed")
    EXPORT = "export", _("exported")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOGOUT = "logout", _("logged out")
    OTP_SETUP = "otp_setup", _("set up second factor")
    OTP_RESET = "otp_reset", _("reset second factor")
    ROLE_CHANGE = "role_change", _("changed role or membership")
    BREAK_GLASS = "break_glass", _("emergency access")
    LOG_READ = "log_read", _("read the access log")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("success")
    DENIED = "denied", _("denied")
    FAILURE = "failure", _("failure")


class AuditEvent(models.Model):
    timestamp = models.DateTimeField(_("time"), db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("user"), max_length=150, blank=True)
    responsible_user_id = models.BigIntegerField(_("responsible user id"), null=True, blank=True)
    responsible_username = models.CharField(_("responsible user"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=30, blank=True)
    organisation_id = models.BigIntegerField(_("organisation id"), null=True, blank=True, db_index=True)
    client_id = models.BigIntegerField(_("client id"), null=True, blank=True, db_index=True)
    client_number = models.CharField(_("client number"), max_length=32, blank=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    source_address = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("access log event")
        verbose_name_plural = _("access log events")
        indexes = [models.Index(fields=["client_id", "timestamp"]), models.Index(fields=["user_id", "timestamp"])]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}"
