"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

from veerkracht.testing.authz import PATHWAY_EDITORS, REDIRECT, protected

MATRIX: dict[str, dict[str, str]] = {
    "screening:overview": protected(PATHWAY_EDITORS, object_page=True),
    "screening:administer": protected(PATHWAY_EDITORS, object_page=True),
    "screening:result": protected(PATHWAY_EDITORS, object_page=True),
    "screening:signal": protected(PATHWAY_EDITORS, object_page=True),
    # the matrix's administration has no shipped definition: back to the result with a message
    "screening:fhir": protected(PATHWAY_EDITORS, object_page=True, ok=REDIRECT),
}
WRITE_URLS: list[str] = ["screening:administer", "screening:signal"]


def objects(base):  # type: ignore[no-untyped-def]
    """A stored administration above the cut-off with its open signal (written directly: the matrix
    does not depend on the numbers of a shipped instrument)."""
    from django.utils import timezone

    from veerkracht.accounts.roles import Role
    from veerkracht.screening.models import Administration, Signal

    today = timezone.localdate()
    administration = Administration.objects.create(
        pathway=base["pathway"], subject=base["child"], instrument_id="test-instrument", instrument_version="1",
        respondent="child", administered_on=today, answers={"1": "3"}, valid=True, total=25, band="probable",
        clinical=True, created_by=base["users"][Role.KINDERWERKER])
    signal = Signal.objects.create(administration=administration, opened_on=today)
    return {"screening:overview": base["pathway"], "screening:administer": base["pathway"],
            "screening:result": administration, "screening:signal": signal, "screening:fhir": administration}
