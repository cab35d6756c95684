from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "veerkracht.courses"
    label = "courses"
    verbose_name = _("Group courses")

    def ready(self) -> None:
        from veerkracht.pathway import followups

        from .followups import measurements_due

        followups.register(measurements_due, include_discharged=True)
