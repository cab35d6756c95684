from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "veerkracht.plans"
    label = "plans"
    verbose_name = _("Help plan")

    def ready(self) -> None:
        from veerkracht.pathway import followups
        from veerkracht.pathway.timeline import register

        from .followups import adoptions_due, evaluations_due
        from .timeline import entries

        register(entries)
        followups.register(evaluations_due)
        followups.register(adoptions_due, scientist_kinds=("help_plan_adoption",))
