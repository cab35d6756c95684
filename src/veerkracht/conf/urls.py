from django.urls import include, path
from django.views.i18n import set_language

from veerkracht.accounts.decorators import public

urlpatterns = [
    path("", include("veerkracht.core.urls")),
    path("", include("veerkracht.accounts.urls")),
    path("clients/", include("veerkracht.clients.urls")),
    path("werk/", include("veerkracht.pathway.urls")),
    path("intake/", include("veerkracht.intake.urls")),
    path("meldcode/", include("veerkracht.meldcode.urls")),
    path("vader/", include("veerkracht.fathers.urls")),
    path("gezin/", include("veerkracht.family.urls")),
    path("netwerk/", include("veerkracht.network.urls")),
    path("toestemming/", include("veerkracht.consent.urls")),
    path("veiligheidsplan/", include("veerkracht.safety.urls")),
    path("hulpverleningsplan/", include("veerkracht.plans.urls")),
    path("verwijzingen/", include("veerkracht.referrals.urls")),
    path("overdracht/", include("veerkracht.handover.urls")),
    path("screening/", include("veerkracht.screening.urls")),
    path("groepen/", include("veerkracht.courses.urls")),
    path("monitoring/", include("veerkracht.monitoring.urls")),
    path("meldingen/", include("veerkracht.notifications.urls")),
    path("beheer/", include("veerkracht.organisations.urls")),
    path("logboek/", include("veerkracht.audit.urls")),
    path("privacy/", include("veerkracht.privacy.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
]

