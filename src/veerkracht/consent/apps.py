from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "veerkracht.consent"
    label = "consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        from veerkracht.pathway.timeline import register

        from .timeline import consent_entries

        register(consent_entries)
