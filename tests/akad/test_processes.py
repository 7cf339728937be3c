"""Several app processes show the same session: all live state is in the database.

Two gunicorn processes run against this test run's own database (SQLite file or PostgreSQL);
a tip posted to one shows in the next beamer poll of the other. Loopback only.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from networks.models import Role
from sessions.models import Step, Tip
from sessions.services.live import go_to_step
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """This test run's database, as the app processes are told it."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user, host, port = db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def two_processes():
    ports = [free_port(), free_port()]
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "the same key for both processes of this test",
        "DEBUG": "1",  # static files from the source folders: no collectstatic in a test
        "DJANGO_SETTINGS_MODULE": "akad.settings",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    servers = [
        subprocess.Popen(
            [gunicorn, "akad.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.2)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


class Browser:
    """A cookie-keeping HTTP client, enough for a login and a few requests."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def get(self, url: str, **headers) -> tuple[int, str]:
        request = urllib.request.Request(url, headers=headers)
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()

    def post(self, url: str, data: dict, **headers) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(
            url, data=body, headers={"X-CSRFToken": self.csrf(), "Referer": url, **headers}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()


def test_a_tip_posted_to_one_process_shows_in_a_poll_of_the_other(two_processes, case):
    one, other = two_processes
    facilitator = MembershipFactory(network=case.meeting.network, role=Role.FACILITATOR).user
    # The app processes know the production hashers, not the tests' fast one.
    facilitator.password = PBKDF2PasswordHasher().encode(PASSWORD, "processtest", iterations=1000)
    facilitator.save(update_fields=["password"])
    go_to_step(case=case, step=Step.TIPS)
    browser = Browser()
    browser.get(f"{one}/accounts/login/")
    status, _html = browser.post(
        f"{one}/accounts/login/", {"username": facilitator.email, "password": PASSWORD}
    )
    assert status == 200 and "sessionid" in {c.name for c in browser.cookies}

    # The beamer runs on the other process, the console posts to the first.
    _status, beamer = browser.get(f"{other}/meetings/{case.meeting_id}/beamer/")
    poll = re.search(r'hx-get="([^"]+)"', beamer).group(1).replace("&amp;", "&")
    goal = case.goals.first()
    column = case.meeting.network.matrix.columns.first()
    status, _html = browser.post(
        f"{one}/cases/{case.pk}/tips/",
        {
            "key": "4b1c6f3e-5d2a-4c1b-9e8f-0a1b2c3d4e5f",
            "text": "Koffieochtend in de Kolk",
            "domain": goal.domain_id,
            "column": column.pk,
        },
        **{"HX-Request": "true"},
    )
    assert status == 200 and Tip.objects.filter(text="Koffieochtend in de Kolk").count() == 1

    status, content = browser.get(f"{other}{poll}", **{"HX-Request": "true"})
    assert status == 200
    assert "Koffieochtend in de Kolk" in content
