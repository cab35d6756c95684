from django.urls import path

from . import views

app_name = "meldcode"

urlpatterns = [
    path("kind/<int:pk>/", views.track, name="track"),
    path("kind/<int:pk>/start/", views.start, name="start"),
]
