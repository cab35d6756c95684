from django.urls import path

from . import views

app_name = "courses"

urlpatterns: list = [
    path("", views.group_list, name="list"),
    path("nieuw/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/aanmelden/", views.enrol, name="enrol"),
    path("<int:pk>/inhaalbijeenkomst/", views.makeup, name="makeup"),
    path("bijeenkomst/<int:pk>/", views.session, name="session"),
    path("aanmelding/<int:pk>/", views.enrolment, name="enrolment"),
    path("cursus/<int:pk>/onderwerpen/", views.topics, name="topics"),
]

# Effect report and measurements (issue 7 points 4 and 5)
from . import effect_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/effect/", effect_views.group_report, name="effect_group"),
    path("<int:pk>/effect/csv/", effect_views.group_report_csv, name="effect_group_csv"),
    path("cursus/<int:pk>/effect/", effect_views.template_report, name="effect_template"),
    path("cursus/<int:pk>/effect/csv/", effect_views.template_report_csv, name="effect_template_csv"),
    path("<int:pk>/metingen/", effect_views.group_measurements, name="measurements"),
    path("meting/<int:pk>/", effect_views.measurement, name="measurement"),
    path("cursus/<int:pk>/betrouwbaarheid/", effect_views.reliability, name="reliability"),
    path("<int:pk>/effect/pdf/", effect_views.group_report_pdf, name="effect_group_pdf"),
    path("cursus/<int:pk>/effect/pdf/", effect_views.template_report_pdf, name="effect_template_pdf"),
]
