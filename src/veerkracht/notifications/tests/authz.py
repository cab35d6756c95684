"""This app's rows of the authorization matrix (see veerkracht.testing.authz).

The list is each user's own (organisation B sees its own, empty list). Marking read is POST only
(GET: 405); the matrix object is a notification of another user, so every role's POST is refused
(exactly 404 for client roles: a guessed id confirms nothing)."""

from veerkracht.accounts.roles import Role
from veerkracht.testing.authz import CLIENT_READERS, LOGIN, METHOD, OTP, everyone, protected

MATRIX: dict[str, dict[str, str]] = {
    "notifications:list": protected(CLIENT_READERS | {"other_organisation"}, object_page=False),
    "notifications:read": everyone(METHOD, anonymous=LOGIN, no_second_factor=OTP),
    "notifications:read_all": everyone(METHOD, anonymous=LOGIN, no_second_factor=OTP),
}
WRITE_URLS: list[str] = ["notifications:read"]


def objects(base):  # type: ignore[no-untyped-def]
    from veerkracht.notifications.models import Notification, NotificationKind
    from veerkracht.testing import factories

    owner = factories.make_staff(Role.KINDERWERKER, base["org_a"], username="a_notified")
    activity = base["pathway"].activities.order_by("definition__order").first()
    notification = Notification.objects.create(
        recipient=owner, kind=NotificationKind.OVERDUE, activity=activity, due_date=activity.due_date
    )
    return {"notifications:read": notification}
