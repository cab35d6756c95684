from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "veerkracht.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from veerkracht.pathway.timeline import register

        from .timeline import entries

        register(entries)
