from django.urls import include, path
from django.views.i18n import set_language

from veerkracht.accounts.decorators import public

urlpatterns = [
    path("", include("veerkracht.core.urls")),
    path("", include("veerkracht.accounts.urls")),
    path("clients/", include("veerkracht.clients.urls")),
    path("werk/", include("veerkracht.pathway.urls")),
    path("beheer/", include("veerkracht.organisations.urls")),
    path("logboek/", include("veerkracht.audit.urls")),
    path("privacy/", include("veerkracht.privacy.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
]

