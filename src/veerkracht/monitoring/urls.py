"""URLs of the municipal monitoring (issue 8): dashboard, breakdowns and exports."""

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("uitsplitsing/", views.breakdowns, name="breakdowns"),
    path("export/csv/", views.export_csv, name="export_csv"),
    path("export/xlsx/", views.export_xlsx, name="export_xlsx"),
    path("jaarrapport/", views.annual_report, name="annual_report"),
]
