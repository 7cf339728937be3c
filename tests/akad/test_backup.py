"""A backup taken while the app runs restores with every tip in it (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sessions.models import Tip
from tests.factories import TipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_restores_with_every_tip(case, tmp_path):
    for n in range(25):
        TipFactory(case=case, text=f"Tip {n} 😀 “Blommetje”")
    expected = sorted(Tip.objects.values_list("key", "text"))
    file = tmp_path / "akad.backup"

    call_command("backup", str(file))

    assert file.stat().st_mode & 0o077 == 0  # readable by the owner only
    if connection.vendor == "sqlite":
        restored = sqlite3.connect(file)
        rows = restored.execute("SELECT key, text FROM casework_tip").fetchall()
        restored.close()
        assert sorted((key.replace("-", ""), text) for key, text in rows) == sorted(
            (key.hex, text) for key, text in expected
        )
    else:
        db = connection.settings_dict
        target = f"{db['NAME']}_restore"
        base = ["--host", db["HOST"] or "127.0.0.1", "--username", db["USER"]]
        subprocess.run(["dropdb", *base, "--if-exists", target], check=True)
        subprocess.run(["createdb", *base, target], check=True)
        try:
            subprocess.run(
                ["pg_restore", *base, "--no-owner", "--dbname", target, str(file)], check=True
            )
            out = subprocess.run(
                [
                    "psql",
                    *base,
                    "--dbname",
                    target,
                    "-At",
                    "-c",
                    "SELECT key, text FROM casework_tip",
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows = sorted(tuple(line.split("|", 1)) for line in out.splitlines())
            assert rows == sorted((str(key), text) for key, text in expected)
        finally:
            subprocess.run(["dropdb", *base, "--if-exists", target], check=True)


def test_a_backup_never_overwrites_a_file(tmp_path):
    file = tmp_path / "existing"
    file.write_text("keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(file))
    assert file.read_text() == "keep me"
