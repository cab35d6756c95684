"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

from veerkracht.testing.authz import PATHWAY_EDITORS, protected

MATRIX: dict[str, dict[str, str]] = {
    "intake:edit": protected(PATHWAY_EDITORS, object_page=True),
}
WRITE_URLS: list[str] = ["intake:edit"]


def objects(base):  # type: ignore[no-untyped-def]
    return {"intake:edit": base["pathway"]}
