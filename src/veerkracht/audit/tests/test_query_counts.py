"""The log administrator's pages use a number of queries that does not grow with the data."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import EmergencyAccess


def _queries(client, url, params=None):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_log_pages_have_a_bounded_number_of_queries(org_a, staff, client_for, child_a):
    log_admin = staff(Role.LOGBEHEERDER, org_a, username="log_q")
    client = client_for(log_admin)
    workers = [staff(Role.KINDERWERKER, org_a, username=f"kw_q{i}") for i in range(12)]

    def add(n):  # type: ignore[no-untyped-def]
        for i in range(n):
            worker = workers[i % len(workers)]
            record(actor=worker, action=Action.READ, obj=child_a, client=child_a)
            EmergencyAccess.objects.create(
                user=worker, person=child_a, reason="reden", expires_at=timezone.now() + datetime.timedelta(hours=1)
            )

    pages = [
        ("/logboek/", {}),
        ("/clients/noodtoegang/beoordelen/", {}),
        ("/privacy/access/", {"client_number": child_a.client_number}),
    ]
    add(2)
    small = [_queries(client, url, params) for url, params in pages]
    add(20)
    large = [_queries(client, url, params) for url, params in pages]
    assert small == large
    assert max(large) <= 20, large
