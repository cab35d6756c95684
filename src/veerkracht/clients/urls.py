from django.urls import path

from . import emergency_views, views

app_name = "clients"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("export.csv", views.export, name="export"),
    path("register/", views.register, name="register"),
    path("<int:pk>/", views.dossier, name="dossier"),
    path("<int:pk>/print/", views.dossier_print, name="print"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/admit/", views.admit, name="admit"),
    path("household/<int:pk>/", views.household, name="household"),
    path("household/<int:pk>/father/", views.add_father, name="add_father"),
    path("relation/<int:pk>/authority/", views.authority, name="authority"),
    path("stay/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("stay/<int:pk>/discharge/", views.discharge, name="discharge"),
    path("noodtoegang/", emergency_views.emergency_access, name="emergency"),
    path("noodtoegang/beoordelen/", emergency_views.emergency_reviews, name="emergency_reviews"),
    path("noodtoegang/beoordelen/<int:pk>/", emergency_views.emergency_review, name="emergency_review"),
]
