from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("access/", views.access_report, name="access_report"),
    path("access/<int:pk>/pdf/", views.access_report_pdf, name="access_report_pdf"),
    path("client/<int:pk>/", views.client_privacy, name="client"),
    path("client/<int:pk>/subject-access.pdf", views.subject_access_pdf, name="subject_access_pdf"),
    path("client/<int:pk>/subject-access.json", views.subject_access_json, name="subject_access_json"),
    path("client/<int:pk>/erasure/", views.erasure_request_create, name="erasure_request_create"),
    path("erasure/", views.erasure_requests, name="erasure_requests"),
    path("erasure/<int:pk>/", views.erasure_decide, name="erasure_decide"),
]
