"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

from veerkracht.testing.authz import PATHWAY_EDITORS, protected

MATRIX: dict[str, dict[str, str]] = {
    "plans:plan": protected(PATHWAY_EDITORS, object_page=True),
    "plans:evaluate": protected(PATHWAY_EDITORS, object_page=True),
    "plans:contacts": protected(PATHWAY_EDITORS, object_page=True),
    "plans:action": protected(PATHWAY_EDITORS, object_page=True),
    "plans:pdf": protected(PATHWAY_EDITORS, object_page=True),
}
WRITE_URLS: list[str] = ["plans:plan", "plans:evaluate", "plans:contacts", "plans:action"]


def objects(base):  # type: ignore[no-untyped-def]
    from veerkracht.accounts.roles import Role
    from veerkracht.plans.services import do_add_action, do_adopt_help_plan, do_save_help_plan

    pathway = base["pathway"]
    plan = do_save_help_plan(pathway, goals=[{"domain": "safety", "description": "Voelt zich veilig",
                                              "start_score": 4}],
                             expected_version=0, actor=base["users"][Role.MENTOR])
    do_adopt_help_plan(plan, expected_version=plan.version, actor=base["users"][Role.GEDRAGSWETENSCHAPPER])
    action = do_add_action(plan.goals.get(), who="Mentor", what="Gesprek met school", actor=base["users"][Role.MENTOR])
    return {"plans:plan": pathway, "plans:evaluate": pathway, "plans:contacts": pathway, "plans:action": action,
            "plans:pdf": pathway}
