from django.urls import path

from . import views

app_name = "fathers"

urlpatterns: list = [
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/start/", views.start, name="start"),
    path("contact/<int:pk>/", views.contact, name="contact"),
    path("contact/<int:pk>/poging/", views.attempt, name="attempt"),
    path("contact/<int:pk>/uitzondering/", views.override, name="override"),
]
