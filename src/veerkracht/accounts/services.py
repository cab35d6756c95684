"""State changes of accounts: each one atomic, with its audit event."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from veerkracht.audit.models import Action
from veerkracht.audit.services import record

from .models import User


def do_confirm_totp_device(device: TOTPDevice, *, acting_user: User) -> None:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=acting_user).exclude(pk=device.pk).delete()
        record(actor=acting_user, action=Action.OTP_SETUP, obj=device)


def do_reset_second_factor(user: User, *, acting_user: User) -> None:
    """Remove all second-factor devices of ``user``; the next login forces a new setup."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record(actor=acting_user, action=Action.OTP_RESET, obj=user, changed_fields=["otp_device"])


def do_set_language(user: User, language: str, *, acting_user: User) -> None:
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
        record(actor=acting_user, action=Action.UPDATE, obj=user, changed_fields=["language"])
