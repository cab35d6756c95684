from django.urls import path

from . import views

app_name = "screening"

urlpatterns: list = [
    path("<int:pk>/", views.overview, name="overview"),
    # Without an instrument: the choice of the instruments that fit; with one: its form.
    path("<int:pk>/afnemen/", views.administer, name="administer"),
    path("<int:pk>/afnemen/<str:instrument>/", views.administer, name="administer"),
    path("afname/<int:pk>/", views.result, name="result"),
    path("afname/<int:pk>/fhir/", views.fhir_response, name="fhir"),
    path("signaal/<int:pk>/", views.signal, name="signal"),
]
