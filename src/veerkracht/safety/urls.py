from django.urls import path

from . import views

app_name = "safety"

urlpatterns: list = [
    path("<int:pk>/", views.plan, name="plan"),
    path("<int:pk>/vergelijken/", views.compare, name="compare"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
]
