"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

from veerkracht.testing.authz import PATHWAY_EDITORS, REDIRECT, protected

MATRIX: dict[str, dict[str, str]] = {
    "handover:overview": protected(PATHWAY_EDITORS, object_page=True),
    # without consent for sharing the PDF sends the user back to the overview (a redirect)
    "handover:pdf": protected(PATHWAY_EDITORS, object_page=True, ok=REDIRECT),
}
WRITE_URLS: list[str] = []


def objects(base):  # type: ignore[no-untyped-def]
    return {"handover:overview": base["pathway"], "handover:pdf": base["pathway"]}
