from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FathersConfig(AppConfig):
    name = "veerkracht.fathers"
    label = "fathers"
    verbose_name = _("Contact with the father")

    def ready(self) -> None:
        from veerkracht.pathway.timeline import register

        from .timeline import father_contact_entries

        register(father_contact_entries)
