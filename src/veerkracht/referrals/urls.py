from django.urls import path

from . import views

app_name = "referrals"

urlpatterns: list = [
    path("<int:pk>/", views.referral_list, name="list"),
    path("verwijzing/<int:pk>/", views.detail, name="detail"),
]
