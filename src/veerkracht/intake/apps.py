from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "veerkracht.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from veerkracht.pathway.timeline import register

        from .timeline import entries

        register(entries)
