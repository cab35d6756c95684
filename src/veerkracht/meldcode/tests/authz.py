"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

from veerkracht.testing.authz import CLIENT_READERS, PATHWAY_EDITORS, protected

MATRIX: dict[str, dict[str, str]] = {
    # every client role reads the child's Meldcode; steps 4 and 5 are refused in the service
    "meldcode:track": protected(CLIENT_READERS, object_page=True),
    "meldcode:start": protected(PATHWAY_EDITORS, object_page=True),
}
WRITE_URLS: list[str] = ["meldcode:track", "meldcode:start"]


def objects(base):  # type: ignore[no-untyped-def]
    return {"meldcode:track": base["child"], "meldcode:start": base["child"]}
