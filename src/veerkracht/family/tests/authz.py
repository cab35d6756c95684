"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

import datetime

from veerkracht.testing.authz import PATHWAY_EDITORS, protected

MATRIX: dict[str, dict[str, str]] = {
    "family:parenting": protected(PATHWAY_EDITORS, object_page=True),
    "family:support": protected(PATHWAY_EDITORS, object_page=True),
    "family:support_item": protected(PATHWAY_EDITORS, object_page=True),
}
WRITE_URLS: list[str] = ["family:parenting", "family:support", "family:support_item"]


def objects(base):  # type: ignore[no-untyped-def]
    from veerkracht.family.models import ParentSupportItem

    item = ParentSupportItem.objects.create(
        pathway=base["pathway"], parent=base["mother"], kind="contact", date=datetime.date(2026, 1, 5),
        description="test",
    )
    return {"family:parenting": base["pathway"], "family:support": base["pathway"], "family:support_item": item}
