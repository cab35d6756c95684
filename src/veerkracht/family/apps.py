from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    name = "veerkracht.family"
    label = "family"
    verbose_name = _("Parenting and parent support")

    def ready(self) -> None:
        from veerkracht.pathway.timeline import register

        from .timeline import entries

        register(entries)
