from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KINDERWERKER = "kinderwerker", _("child worker")
    MENTOR = "mentor", _("mentor")
    GEDRAGSWETENSCHAPPER = "gedragswetenschapper", _("behavioural scientist")
    TEAMLEIDER = "teamleider", _("team leader")
    FUNCTIONEEL_BEHEERDER = "functioneel_beheerder", _("application administrator")
    LOGBEHEERDER = "logbeheerder", _("log administrator")
    GEMEENTE = "gemeente", _("municipality")


# Roles that work with client records. The application administrator and the log
# administrator manage the system and the log, not children (least privilege).
CLIENT_ROLES = frozenset({Role.KINDERWERKER, Role.MENTOR, Role.GEDRAGSWETENSCHAPPER, Role.TEAMLEIDER})
# Roles that may be narrowed to their own teams and locations when the organisation says so.
NARROWABLE_ROLES = frozenset({Role.KINDERWERKER, Role.MENTOR})
# Roles that register households and change stays.
REGISTERING_ROLES = frozenset({Role.KINDERWERKER, Role.MENTOR, Role.TEAMLEIDER})
STAFF_ROLES = frozenset(set(Role) - {Role.GEMEENTE})
