"""URLs of the measurement pages (issue 7 point 4)."""

from django.urls import path

from . import measurement_views

urlpatterns: list = [
    path("<int:pk>/metingen/", measurement_views.group_measurements, name="measurements"),
    path("meting/<int:pk>/", measurement_views.measurement, name="measurement"),
    path("meting/<int:pk>/invullen/", measurement_views.measurement_enter, name="measurement_enter"),
]
