"""Authorization rows of the monitoring (issue 8): the gemeente (its own region) and the team leader (the
own organisation exact, the regions it serves protected), of any organisation; every other role 403. A
region the user may not open is a 404 (test_visibility)."""

from veerkracht.accounts.roles import Role
from veerkracht.testing.authz import protected

VIEWERS = {Role.GEMEENTE, Role.TEAMLEIDER, "other_organisation"}

MATRIX: dict[str, dict[str, str]] = {
    "monitoring:dashboard": protected(VIEWERS, object_page=False),
    "monitoring:breakdowns": protected(VIEWERS, object_page=False),
    "monitoring:export_csv": protected(VIEWERS, object_page=False),
    "monitoring:export_xlsx": protected(VIEWERS, object_page=False),
    "monitoring:annual_report": protected(VIEWERS, object_page=False),
}
WRITE_URLS: list[str] = []
