from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeldcodeConfig(AppConfig):
    name = "veerkracht.meldcode"
    label = "meldcode"
    verbose_name = _("Meldcode")

    def ready(self) -> None:
        from veerkracht.pathway.timeline import register

        from .timeline import entries

        register(entries)
