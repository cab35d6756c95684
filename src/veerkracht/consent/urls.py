from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("<int:pk>/", views.overview, name="overview"),
    path("procedure/<int:pk>/", views.refusal, name="refusal"),
]
