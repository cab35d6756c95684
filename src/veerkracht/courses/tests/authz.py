"""This app's rows of the authorization matrix (see veerkracht.testing.authz), merged from one module
per area so that each area keeps its own rows: authz_groups (groups, enrolment, sessions) authz_effect (effect
report) and authz_measure (measurements). An area module has MATRIX, WRITE_URLS and objects(base, found), where
``found`` holds the objects of the modules before it."""

from . import authz_effect, authz_groups, authz_measure

AREAS = [authz_groups, authz_effect, authz_measure]

MATRIX: dict[str, dict[str, str]] = {}
WRITE_URLS: list[str] = []
for _area in AREAS:
    assert not set(MATRIX) & set(_area.MATRIX), f"{_area.__name__} repeats rows"
    MATRIX.update(_area.MATRIX)
    WRITE_URLS += _area.WRITE_URLS


def objects(base):  # type: ignore[no-untyped-def]
    found: dict = {}
    for area in AREAS:
        found |= area.objects(base, found)
    return found
