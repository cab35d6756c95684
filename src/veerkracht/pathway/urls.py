from django.urls import path

from . import configuration_views, views

app_name = "pathway"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("activiteit/<int:pk>/", views.activity_edit, name="activity_edit"),
    path("ontslag/<int:pk>/", views.discharge, name="discharge"),
    path("kind/<int:pk>/tijdlijn/", views.child_timeline, name="timeline"),
    path("instellingen/", configuration_views.configuration, name="configuration"),
]
