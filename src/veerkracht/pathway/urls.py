from django.urls import path

from . import views

app_name = "pathway"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("activiteit/<int:pk>/", views.activity_edit, name="activity_edit"),
]
