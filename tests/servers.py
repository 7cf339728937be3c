"""App processes for tests: gunicorn on loopback against the test run's own database.

Used by the tests that need real processes (several at once, a worker that dies, a database
that goes away). Loopback only; every process is stopped when its test ends.
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import PASSWORD


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


class Servers:
    """App processes (gunicorn, one worker each) on loopback against this test run's database."""

    def __init__(self, count: int, env: dict | None = None):
        self.ports = [free_port() for _ in range(count)]
        self.extra_env = env or {}
        self.processes: list[subprocess.Popen] = []

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def __enter__(self) -> Servers:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        ports = self.ports
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "SECRET_KEY": "the same key for every process of this test",
            "DEBUG": "1",  # static files from the source folders: no collectstatic in a test
            "DJANGO_SETTINGS_MODULE": "akad.settings",
            **self.extra_env,
        }
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.processes = [
            subprocess.Popen(
                [gunicorn, "akad.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        self.stop()
                        raise RuntimeError("gunicorn did not start") from None
                    time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=10)

    def worker_pids(self, index: int = 0) -> list[int]:
        """The worker processes under the gunicorn master `index`."""
        master = self.processes[index].pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [int(pid) for pid in children]


def with_production_password(user) -> None:
    """The app processes know the production hashers, not the tests' fast one."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "processtest", iterations=1000)
    user.save(update_fields=["password"])


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

    def login(self, base: str, user) -> None:
        self.get(f"{base}/accounts/login/")
        self.post(f"{base}/accounts/login/", {"username": user.email, "password": PASSWORD})
        assert "sessionid" in {cookie.name for cookie in self.cookies}, "login failed"
