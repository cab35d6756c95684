from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from veerkracht.accounts.roles import Role


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@pytest.fixture
def logbeheerder_a(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.LOGBEHEERDER, org_a, username="log_a", first_name="Lieke", last_name="Logman", language="en")


@pytest.fixture
def teamleider_a(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.TEAMLEIDER, org_a, username="tl_a", first_name="Tamara", last_name="Leider", language="en")


@pytest.fixture
def teamleider_a2(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.TEAMLEIDER, org_a, username="tl_a2", first_name="Tom", last_name="Tweede", language="en")


@pytest.fixture
def gedragswetenschapper_a(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_a", first_name="Gerda", last_name="Wetenschap", language="en")


@pytest.fixture(scope="session")
def weasyprint_loaded():  # type: ignore[no-untyped-def]
    """render_pdf imports WeasyPrint lazily; its one-off import (about 1-2 s) is not part of a render."""
    import weasyprint  # noqa: F401
