"""URLs of the effect report (issue 7 point 5)."""

from django.urls import path

from . import effect_views

urlpatterns: list = [
    path("<int:pk>/effect/", effect_views.group_report, name="effect_group"),
    path("<int:pk>/effect/csv/", effect_views.group_report_csv, name="effect_group_csv"),
    path("cursus/<int:pk>/effect/", effect_views.template_report, name="effect_template"),
    path("cursus/<int:pk>/effect/csv/", effect_views.template_report_csv, name="effect_template_csv"),
    path("cursus/<int:pk>/betrouwbaarheid/", effect_views.reliability, name="reliability"),
    path("<int:pk>/effect/pdf/", effect_views.group_report_pdf, name="effect_group_pdf"),
    path("cursus/<int:pk>/effect/pdf/", effect_views.template_report_pdf, name="effect_template_pdf"),
    path("meting/<int:pk>/verwijzen/", effect_views.refer, name="effect_refer"),
]
