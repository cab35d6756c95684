from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Municipal monitoring (issue 8): indicators of the implementation degree of Veerkracht and its
    outcomes, aggregated in the database, with disclosure control for everyone outside the organisation."""

    name = "veerkracht.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")
