"""This app's extra rows of the authorization matrix (see veerkracht.testing.authz).

The worklist and the activity page have their rows in the central matrix. The methodology
settings are the application administrator's, each for the own organisation (B's administrator
opens B's settings: no object of A is involved)."""

from veerkracht.accounts.roles import Role
from veerkracht.testing.authz import protected

MATRIX: dict[str, dict[str, str]] = {
    "pathway:configuration": protected({Role.FUNCTIONEEL_BEHEERDER, "other_organisation_admin"}, object_page=False),
}
WRITE_URLS: list[str] = ["pathway:configuration"]


def objects(base):  # type: ignore[no-untyped-def]
    return {}
