from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "veerkracht.screening"
    label = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from veerkracht.pathway import followups
        from veerkracht.pathway.timeline import register

        from .followups import KIND, signals_due
        from .timeline import entries

        register(entries)
        followups.register(signals_due, scientist_kinds=(KIND,))
