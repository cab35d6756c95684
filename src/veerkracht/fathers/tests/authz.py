"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

from veerkracht.accounts.roles import Role
from veerkracht.testing.authz import PATHWAY_EDITORS, REDIRECT, protected

MATRIX: dict[str, dict[str, str]] = {
    "fathers:overview": protected(PATHWAY_EDITORS, object_page=True),
    # GET only sends back to the overview; the record is started with a POST
    "fathers:start": protected(PATHWAY_EDITORS, object_page=True, ok=REDIRECT),
    "fathers:contact": protected(PATHWAY_EDITORS, object_page=True),
    "fathers:attempt": protected(PATHWAY_EDITORS, object_page=True),
    # the exception to a contact ban: the behavioural scientist of the own organisation only
    "fathers:override": protected({Role.GEDRAGSWETENSCHAPPER}, object_page=True),
}
WRITE_URLS: list[str] = ["fathers:start", "fathers:contact", "fathers:attempt", "fathers:override"]


def objects(base):  # type: ignore[no-untyped-def]
    from veerkracht.clients.models import PersonKind
    from veerkracht.fathers.models import FatherContact
    from veerkracht.testing import factories

    father = factories.PersonFactory(household=base["household"], kind=PersonKind.FATHER, client_number=None)
    factories.ParentChildFactory(parent=father, child=base["child"])
    contact = FatherContact.objects.create(pathway=base["pathway"], father=father, contact_ban=True)
    return {
        "fathers:overview": base["pathway"], "fathers:start": base["pathway"],
        "fathers:contact": contact, "fathers:attempt": contact, "fathers:override": contact,
    }
