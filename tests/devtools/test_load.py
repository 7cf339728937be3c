"""`manage.py load`, small: the room and the city run against gunicorn and report honestly.

The figures of the README come from the full run (`make load`, minutes); this one is a few
phones for a few seconds, on a database of its own beside this test run's (the command makes
and drops its own test database: it must never be this run's).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection


def load_database_url(tmp_path: Path) -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{tmp_path / 'load.sqlite3'}"
    user, host, port = db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}_load"


def line(report: str, label: str) -> str:
    found = re.search(rf"^  {re.escape(label)}\s+(.+)$", report, re.M)
    assert found, f"no {label!r} in:\n{report}"
    return found.group(1)


@pytest.mark.django_db
def test_a_small_room_and_city_store_every_tip_once_and_answer_every_poll(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "devtools.settings",
        "DATABASE_URL": load_database_url(tmp_path),
    }
    arguments = ["--phones", "3", "--tips", "2", "--meetings", "2", "--city-phones", "2"]
    run = subprocess.run(
        [sys.executable, "manage.py", "load", *arguments, "--city-seconds", "3", "--workers", "2"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    report = run.stdout
    assert run.returncode == 0, run.stderr[-3000:]

    # The room: 3 phones × 2 tips, some sent twice with the same key, each stored once.
    assert line(report, "tips stored") == "6 (expected 6)"
    assert line(report, "duplicates") == "0"
    assert line(report, "5xx answers") == "0"
    seen = re.search(r"; (\d+) of (\d+) seen$", line(report, "send → on beamer"))
    assert seen and seen.group(1) == seen.group(2) == "6"  # 6 tips fit the beamer's cells
    # The city: every poll was answered, none failed; its p95 is reported per 10 s.
    held, asked = re.match(r"(\d+) of (\d+) asked", line(report, "polls per second")).groups()
    assert int(asked) == 2 * (1 + 2) and int(held) >= int(asked) - 1
    assert line(report, "errors").startswith("0 (")
    assert re.fullmatch(r"[\d.]+ ms", line(report, "poll p95 per 10 s"))
    # Its own test database is gone again.
    if connection.vendor == "sqlite":
        assert "test-load.sqlite3" not in os.listdir(tmp_path)
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", ["%_load"])
            assert cursor.fetchall() == []
