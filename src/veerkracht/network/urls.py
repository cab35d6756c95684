from django.urls import path

from . import views

app_name = "network"

urlpatterns: list = [
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/ecomap.svg", views.ecomap_svg, name="ecomap"),
    path("lid/<int:pk>/", views.member, name="member"),
]
