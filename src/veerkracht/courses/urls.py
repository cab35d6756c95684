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
    path("<int:pk>/wijzigen/", views.edit, name="edit"),
    path("bijeenkomst/<int:pk>/datum/", views.move_session, name="move_session"),
    path("cursussen/", views.course_overview, name="courses"),
    path("cursussen/nieuw/", views.template_create, name="template_create"),
    path("cursus/<int:pk>/wijzigen/", views.template_edit, name="template_edit"),
]

# The effect report and measurements, and further areas, each in their own module.
from . import effect_urls, measurement_urls  # noqa: E402

urlpatterns += effect_urls.urlpatterns + measurement_urls.urlpatterns
