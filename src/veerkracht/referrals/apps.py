from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "veerkracht.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from veerkracht.pathway.followups import register as register_followups
        from veerkracht.pathway.timeline import register as register_timeline

        from .followups import referral_followups
        from .timeline import entries

        register_timeline(entries)
        register_followups(referral_followups)
