from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwayConfig(AppConfig):
    name = "veerkracht.pathway"
    label = "pathway"
    verbose_name = _("Pathway")

    def ready(self) -> None:
        # clients announces a child's new stay with a signal; pathway answers by creating the
        # pathway in the same transaction. So clients never imports pathway (imports flow one way).
        from veerkracht.clients.signals import child_stay_created

        from . import services

        child_stay_created.connect(services.on_child_stay_created, dispatch_uid="pathway.create_pathway")

        from . import timeline

        timeline.register(timeline.stay_entries)
        timeline.register(timeline.activity_entries)
