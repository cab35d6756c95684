from django.urls import path

from . import views

app_name = "family"

urlpatterns: list = [
    path("<int:pk>/opvoeding/", views.parenting, name="parenting"),
    path("<int:pk>/ouders/", views.support, name="support"),
    path("ouders/item/<int:pk>/", views.support_item, name="support_item"),
]
