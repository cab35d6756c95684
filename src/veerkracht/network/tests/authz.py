"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

from veerkracht.testing.authz import PATHWAY_EDITORS, protected

MATRIX: dict[str, dict[str, str]] = {
    "network:overview": protected(PATHWAY_EDITORS, object_page=True),
    "network:member": protected(PATHWAY_EDITORS, object_page=True),
    "network:ecomap": protected(PATHWAY_EDITORS, object_page=True),
}
WRITE_URLS: list[str] = ["network:overview", "network:member"]


def objects(base):  # type: ignore[no-untyped-def]
    from veerkracht.network.models import NetworkMember

    member = NetworkMember.objects.create(
        pathway=base["pathway"], name="Oma Bakker", relation="family", role="grandmother", quality="supportive"
    )
    return {"network:overview": base["pathway"], "network:member": member, "network:ecomap": base["pathway"]}
