from django.urls import path

from . import views

app_name = "plans"

urlpatterns: list = [
    path("<int:pk>/", views.plan, name="plan"),
    path("<int:pk>/evalueren/", views.evaluate, name="evaluate"),
    path("<int:pk>/contacten/", views.contacts, name="contacts"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("actie/<int:pk>/", views.action, name="action"),
]
