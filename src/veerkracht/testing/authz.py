"""Shared vocabulary of the authorization matrix (core/tests/test_authorization_matrix.py).

Each app with pages adds its rows in ``<app>/tests/authz.py``::

    MATRIX = {"intake:edit": protected(PATHWAY_EDITORS, object_page=True)}
    WRITE_URLS = ["intake:edit"]          # POST by roles without access must change nothing

    def objects(base):                    # the object each object-page URL is opened with
        return {"intake:edit": base["pathway"]}

``base`` holds ``users`` (by role), ``child``, ``mother``, ``household``, ``stay``, ``pathway``,
``link`` (mother-child), ``location``, ``org_a`` and ``org_b``, all of organisation A.
"""

from __future__ import annotations

from veerkracht.accounts.roles import Role

# Outcomes
OK = "ok"  # 200
REDIRECT = "redirect"  # 302 elsewhere than the login pages (e.g. already logged in)
LOGIN = "login"  # 302 to the login page
OTP = "otp"  # 302 to the second-factor page
DENIED = "denied"  # 403 or 404: no data
NOT_FOUND = "404"  # exactly 404: a guess at an id confirms nothing
METHOD = "405"  # method not allowed

ROLES = [
    "anonymous",
    "no_second_factor",
    Role.KINDERWERKER,
    Role.MENTOR,
    Role.GEDRAGSWETENSCHAPPER,
    Role.TEAMLEIDER,
    Role.FUNCTIONEEL_BEHEERDER,
    Role.LOGBEHEERDER,
    "other_organisation",  # a team leader of organisation B
    "other_organisation_admin",  # an application administrator of organisation B
    Role.GEMEENTE,
]
CLIENT_READERS = {Role.KINDERWERKER, Role.MENTOR, Role.GEDRAGSWETENSCHAPPER, Role.TEAMLEIDER}
CLIENT_WRITERS = {Role.KINDERWERKER, Role.MENTOR, Role.TEAMLEIDER}
STAFF_A = CLIENT_READERS | {Role.FUNCTIONEEL_BEHEERDER, Role.LOGBEHEERDER}


def protected(allowed: set[str], *, object_page: bool, ok: str = OK) -> dict[str, str]:
    """A page behind login and second factor.

    On an object page of organisation A, a user of organisation B whose role could open
    such a page in B gets exactly 404 (a guessed id confirms nothing). A role that can
    never open the page gets 403 or 404 whatever the id.
    """
    row = {"anonymous": LOGIN, "no_second_factor": OTP}
    for role in ROLES[2:]:
        row[role] = ok if role in allowed else DENIED
    if object_page:
        same_role_in_b = {"other_organisation": Role.TEAMLEIDER, "other_organisation_admin": Role.FUNCTIONEEL_BEHEERDER}
        for other, role in same_role_in_b.items():
            if role in allowed:
                row[other] = NOT_FOUND
    return row


def everyone(outcome: str, **overrides: str) -> dict[str, str]:
    row = dict.fromkeys(ROLES, outcome)
    row.update(overrides)
    return row



# Who edits a child's pathway records: the registering roles and the behavioural scientist.
PATHWAY_EDITORS = CLIENT_WRITERS | {Role.GEDRAGSWETENSCHAPPER}
