"""`python manage.py backup FILE`: a consistent copy of the database, while the app runs.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies page by page and gives a
consistent snapshot even while requests write (WAL). PostgreSQL: `pg_dump --format=custom`,
restored with `pg_restore` (see the README). Either way the file holds care data: keep it
encrypted and as briefly as your retention allows.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "Write a consistent backup of the database to FILE (SQLite or PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the backup.")

    def handle(self, *args, file: Path, **options) -> None:
        if file.exists():
            raise CommandError(f"{file} exists already: give a new file name.")
        vendor = connection.vendor
        if vendor == "sqlite":
            self.sqlite(file)
        elif vendor == "postgresql":
            self.postgresql(file)
        else:
            raise CommandError(f"No backup for {vendor} databases.")
        os.chmod(file, 0o600)  # care data: readable by the owner only
        self.stdout.write(f"Backup written to {file} ({file.stat().st_size:,} bytes).")

    def sqlite(self, file: Path) -> None:
        source = sqlite3.connect(connection.settings_dict["NAME"])
        target = sqlite3.connect(file)
        try:
            with target:
                source.backup(target)
            if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise CommandError("The backup failed its integrity check.")
        finally:
            target.close()
            source.close()

    def postgresql(self, file: Path) -> None:
        if shutil.which("pg_dump") is None:
            raise CommandError("pg_dump is not installed (Debian: postgresql-client).")
        db = connection.settings_dict
        env = {**os.environ}
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = db["PASSWORD"]
        command = ["pg_dump", "--format=custom", "--no-owner", f"--file={file}"]
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db.get(key):
                command.append(f"{flag}={db[key]}")
        command.append(db["NAME"])
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
