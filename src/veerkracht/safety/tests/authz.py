"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

from veerkracht.testing.authz import PATHWAY_EDITORS, protected

MATRIX: dict[str, dict[str, str]] = {
    "safety:plan": protected(PATHWAY_EDITORS, object_page=True),
    "safety:compare": protected(PATHWAY_EDITORS, object_page=True),
    "safety:pdf": protected(PATHWAY_EDITORS, object_page=True),
}
WRITE_URLS: list[str] = ["safety:plan"]


def objects(base):  # type: ignore[no-untyped-def]
    from veerkracht.accounts.roles import Role
    from veerkracht.safety.services import do_save_safety_plan

    do_save_safety_plan(base["pathway"], content={"risks": "Vader weet het adres niet"}, expected_version=0,
                        actor=base["users"][Role.MENTOR])
    return {"safety:plan": base["pathway"], "safety:compare": base["pathway"], "safety:pdf": base["pathway"]}
