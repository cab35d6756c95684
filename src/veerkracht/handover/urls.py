from django.urls import path

from . import views

app_name = "handover"

urlpatterns = [
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
]
