from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "veerkracht.safety"
    label = "safety"
    verbose_name = _("Safety plan")

    def ready(self) -> None:
        from veerkracht.pathway import followups
        from veerkracht.pathway.timeline import register

        from .followups import due_reviews
        from .timeline import entries

        register(entries)
        followups.register(due_reviews, scientist_kinds=("safety_adoption", "safety_review"))
