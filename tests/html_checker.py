"""The W3C Nu HTML checker (vnu.jar from the `vnu-jar` npm package) as a local HTTP service.

Java and the checker's schemas take seconds to load, and checking one document in a running
checker takes milliseconds: the test run starts one checker (the `nu_checker` fixture in
tests/conftest.py), on loopback, and every test that checks HTML posts its documents to it.
Results are kept by the document's hash, so a page loaded in many tests is checked once.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tests.servers import free_port

VNU = Path(settings.BASE_DIR, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")

# An htmx fragment is checked inside the smallest document that lets it stand: its first
# line is the wrapper, so the fragment's line N is the checker's line N + 1.
WRAPPER = (
    '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>fragment</title>'
    "</head><body>"
)
# A deep stack: the checker's schema recursion overflows a small one on start. One small
# heap and the serial collector: the machine's cores are for the tests.
JAVA_OPTIONS = ["-Xss16m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
DOCTYPE = re.compile(r"\s*<!doctype\s", re.IGNORECASE)
# A fragment that htmx swaps into a list, table or select starts with an element that
# cannot stand in <body>: it is checked inside the parent it is swapped into.
FIRST_TAG = re.compile(r"\s*(?:<!--.*?-->\s*)*<([a-zA-Z][a-zA-Z0-9]*)", re.DOTALL)
PARENTS = {
    "li": ("<ul>", "</ul>"),
    "tr": ("<table><tbody>", "</tbody></table>"),
    "td": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "th": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "tbody": ("<table>", "</table>"),
    "thead": ("<table>", "</table>"),
    "tfoot": ("<table>", "</table>"),
    "option": ("<select>", "</select>"),
    "optgroup": ("<select>", "</select>"),
    "dt": ("<dl>", "</dl>"),
    "dd": ("<dl>", "</dl>"),
}


@dataclass(frozen=True)
class Error:
    line: int | str
    message: str
    extract: str

    def __str__(self) -> str:
        extract = " ".join(self.extract.split())
        return f"line {self.line}: {self.message}" + (f"  [{extract}]" if extract else "")


def is_document(html: str) -> bool:
    return bool(DOCTYPE.match(html))


class NuChecker:
    """One `nu.validator.servlet.Main` process on a free loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/?out=json"
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()
        self.cache: dict[str, list[Error]] = {}
        self.checked = 0  # documents sent to the checker (the cache answers the rest)
        self.seconds = 0.0  # time the tests spent waiting for it, for its start too
        self.started = 0.0
        self.start_seconds = 0.0  # from Java's start to the first answer
        self.ready = False

    def start(self) -> None:
        """Start Java and return: the checker reads its schemas while the first test runs
        (a browser test checks at its end); the first check waits for it."""
        assert VNU.exists(), "run `npm ci` (make checker does) to install vnu-jar"
        assert shutil.which("java"), "the checker needs Java (make test installs it)"
        self.started = time.monotonic()
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            [
                "java",
                *JAVA_OPTIONS,
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_ready(self, timeout: float = 90) -> None:
        waited = time.monotonic()
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Nu HTML checker stopped on start:\n{self.output()}")
            try:
                # A real check, not just an open port: it answers once the schemas are read.
                self._post("<!DOCTYPE html><html lang=en><title>ready</title></html>")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                if time.monotonic() - self.started > timeout:
                    message = f"the Nu HTML checker did not start:\n{self.output()}"
                    raise RuntimeError(message) from error
                time.sleep(0.2)
        self.ready = True
        self.seconds += time.monotonic() - waited
        self.start_seconds = time.monotonic() - self.started

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def _post(self, html: str) -> list[dict]:
        request = urllib.request.Request(
            self.url,
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
            return json.load(response).get("messages", [])

    def errors(self, html: str) -> list[Error]:
        """The checker's errors in a whole document (warnings and notes left out)."""
        key = hashlib.sha256(html.encode("utf-8")).hexdigest()
        if key not in self.cache:
            if not self.ready:
                self.wait_until_ready()
            began = time.monotonic()
            messages = self._post(html)
            self.seconds += time.monotonic() - began
            self.checked += 1
            self.cache[key] = [
                Error(m.get("lastLine", "?"), m.get("message", ""), m.get("extract", ""))
                for m in messages
                # "non-document-error": the checker could not read it at all.
                if m.get("type") in ("error", "non-document-error")
            ]
        return self.cache[key]

    def fragment_errors(self, html: str) -> list[Error]:
        """Errors in an htmx fragment, wrapped in a minimal document; lines are the fragment's."""
        first = FIRST_TAG.match(html)
        opening, closing = PARENTS.get(first.group(1).lower() if first else "", ("", ""))
        document = f"{WRAPPER}{opening}\n{html}\n{closing}</body></html>"
        return [
            Error(e.line - 1 if isinstance(e.line, int) else e.line, e.message, e.extract)
            for e in self.errors(document)
        ]

    def html_errors(self, html: str) -> list[Error]:
        """A whole document as it is, anything else as a fragment."""
        return self.errors(html) if is_document(html) else self.fragment_errors(html)
