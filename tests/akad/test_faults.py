"""Faults: a worker killed after it answered loses no tip; the database going away gives a
clear page and the app recovers by itself when it is back (PostgreSQL)."""

from __future__ import annotations

import os
import signal
import time
import urllib.error
import uuid

import psycopg
import pytest
from django.db import connection

from networks.models import Role
from sessions.models import Step, Tip
from sessions.services.live import go_to_step
from tests.factories import MembershipFactory
from tests.servers import Browser, Servers, with_production_password

pytestmark = pytest.mark.django_db(transaction=True)


def add_tip(browser: Browser, base: str, case, text: str) -> int:
    goal, column = case.goals.first(), case.meeting.network.matrix.columns.first()
    status, _html = browser.post(
        f"{base}/cases/{case.pk}/tips/",
        {"key": str(uuid.uuid4()), "text": text, "domain": goal.domain_id, "column": column.pk},
        **{"HX-Request": "true"},
    )
    return status


@pytest.fixture
def facilitator_browser(case):
    facilitator = MembershipFactory(network=case.meeting.network, role=Role.FACILITATOR).user
    with_production_password(facilitator)
    go_to_step(case=case, step=Step.TIPS)
    return facilitator, Browser()


def test_a_tip_acknowledged_before_the_worker_is_killed_is_kept(case, facilitator_browser):
    facilitator, browser = facilitator_browser
    with Servers(1) as servers:
        base = servers.urls[0]
        browser.login(base, facilitator)
        assert add_tip(browser, base, case, "Voor de crash") == 200
        worker = servers.worker_pids()[0]
        os.kill(worker, signal.SIGKILL)  # as an out-of-memory kill would

        # The master starts a new worker; the acknowledged tip is there, and so is the session.
        deadline = time.monotonic() + 20
        while True:
            try:
                status = add_tip(browser, base, case, "Na de crash")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "no new worker"
                time.sleep(0.3)
        assert status == 200
    assert sorted(Tip.objects.values_list("text", flat=True)) == ["Na de crash", "Voor de crash"]


@pytest.mark.postgresql
def test_the_app_recovers_when_postgresql_drops_its_connections(case, facilitator_browser):
    """What a database restart does to the app's open connections: they are cut. The next
    request finds the connection dead (health check), connects anew and answers."""
    facilitator, browser = facilitator_browser
    with Servers(1) as servers:
        base = servers.urls[0]
        browser.login(base, facilitator)
        assert add_tip(browser, base, case, "Eerste") == 200
        db = connection.settings_dict
        with connection.cursor() as cursor:  # this test's own connection stays
            cursor.execute("SELECT pg_backend_pid()")
            ours = cursor.fetchone()[0]
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1", user=db["USER"], dbname="postgres", autocommit=True
        ) as admin:
            cut = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() AND pid <> %s",
                [db["NAME"], ours],
            ).fetchone()[0]
        assert add_tip(browser, base, case, "Na de herstart") == 200
    assert cut >= 1
    assert set(Tip.objects.values_list("text", flat=True)) == {"Eerste", "Na de herstart"}


def test_without_the_database_the_page_says_so_clearly(tmp_path):
    """The database unreachable (stopped, or its disk gone): a plain page that says to try
    again in a minute and that what was saved is kept — no error trace, no blank page."""
    missing = f"postgres://nobody@127.0.0.1:1/{uuid.uuid4().hex}"
    with Servers(1, env={"DATABASE_URL": missing, "DEBUG": "0"}) as servers:
        try:
            Browser().get(f"{servers.urls[0]}/accounts/login/")
        except urllib.error.HTTPError as error:
            status, html = error.code, error.read().decode()
        else:  # pragma: no cover
            pytest.fail("the login page answered without a database")
    assert status == 500
    assert "Probeer het over een minuut opnieuw. Wat je al had opgeslagen, is bewaard." in html
    assert "Traceback" not in html
