from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/gelezen/", views.mark_read, name="read"),
    path("gelezen/", views.mark_all_read, name="read_all"),
]
