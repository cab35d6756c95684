"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

from veerkracht.testing.authz import PATHWAY_EDITORS, protected

MATRIX: dict[str, dict[str, str]] = {
    # the consent overview of a pathway: read and recorded by the pathway editors of the own organisation
    "consent:overview": protected(PATHWAY_EDITORS, object_page=True),
    # a refusal step plan (VWS 2016); step 4 only by the behavioural scientist (checked in the service)
    "consent:refusal": protected(PATHWAY_EDITORS, object_page=True),
}
WRITE_URLS: list[str] = ["consent:overview", "consent:refusal"]


def objects(base):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from veerkracht.consent.models import RefusalProcedure

    procedure = RefusalProcedure.objects.create(
        pathway=base["pathway"], subject=None, subject_code="sharing", refusing_parent=base["mother"],
        started_on=timezone.localdate(),
    )
    return {"consent:overview": base["pathway"], "consent:refusal": procedure}
