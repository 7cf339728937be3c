"""Browser tests: the real app on live_server, driven in Debian's Chromium by Playwright.

Every browser test also checks what Chromium really loaded in it (`loaded_pages`): each HTML
page and each HTML fragment that htmx or a script fetched passes the W3C Nu HTML checker,
each page came with its Content-Security-Policy, and no CSP violation happened. The test
fails at teardown with the list (method, URL, line, message) otherwise.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# pytest-playwright keeps an event loop running; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def browser_tests_use_transactional_db(transactional_db):
    """The live server answers from another thread: it must see committed data (the
    reference data are loaded again by tests/conftest.py)."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page) -> list[str]:
    """axe-core (shipped in axe-playwright-python) on the page: every WCAG 2.2 A/AA rule,
    at any impact (the issue asks for no serious or critical ones; we hold to all)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def log_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_url(f"{live_server.url}/")


def noord_case(*domains: str, **fields):
    """A case of network Noord (facilitator: facilitator@noord.example) with `domains` marked."""
    from networks.models import Role
    from tests.factories import CaseDiscussionFactory, MembershipFactory, NetworkFactory, mark

    noord = NetworkFactory(name="Noord")
    MembershipFactory(network=noord, role=Role.FACILITATOR, user__email="facilitator@noord.example")
    fields.setdefault("client__pseudonym", "Blommetje")
    case = CaseDiscussionFactory(meeting__network=noord, **fields)
    mark(case, *domains)
    return case


def open_console(page, live_server, case, email: str = "facilitator@noord.example") -> None:
    """Log in as the facilitator and open the case's console."""
    from django.urls import reverse

    from tests.factories import PASSWORD

    log_in(page, live_server, email, PASSWORD)
    page.goto(live_server.url + reverse("casework:console", args=[case.pk]))


# What Chromium received is read from a HAR that Playwright records per browser context:
# its driver keeps each body as the response finishes. Asking for a body from Python
# (`response.body()` in a "response" handler) loses the race against the test's next
# navigation: a page left at once (the login's redirect to /) has no body any more.
HAR_ARGS = {
    "record_har_content": "embed",
    "record_har_url_filter": re.compile(r"^http://[^/]+/(?!static/)"),  # static files: not HTML
}
CHECKED_TYPES = {"document", "xhr", "fetch"}
# Chromium fires `securitypolicyviolation` for every blocked inline script or style, eval and
# load; this init script (which Playwright runs in every document before the app's own,
# outside its CSP) hands each one to the test. Chromium's console line is caught as well.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__akadCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
    document: document.URL,
  });
}, true);
"""


def short(url: str) -> str:
    """The URL without the live server's origin, which changes every run."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(("", "", parts.path, parts.query, "")) if parts.netloc else url


@dataclass
class LoadedPages:
    """The HTML Chromium received in one test's browser contexts, and the CSP violations."""

    folder: Path
    contexts: list = field(default_factory=list)  # (context, its HAR file)
    closed: set[int] = field(default_factory=set)
    read: set[Path] = field(default_factory=set)
    csp: list[str] = field(default_factory=list)

    def context_args(self) -> dict:
        return {**HAR_ARGS, "record_har_path": str(self.folder / f"{len(self.contexts)}.har")}

    def watch(self, context, har: str) -> None:
        self.contexts.append((context, Path(har)))
        context.on("close", lambda _: self.closed.add(id(context)))
        context.on("console", self.on_console)
        context.expose_binding("__akadCspViolation", self.on_violation)
        context.add_init_script(script=CSP_LISTENER)

    def on_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            location = message.location or {}
            self.csp.append(
                f"console ({short(location.get('url', '?'))}:{location.get('lineNumber', '?')}): "
                f"{message.text}"
            )

    def on_violation(self, source, violation: dict) -> None:
        self.csp.append(
            f"{violation['directive']} blocked {violation['blocked'] or '?'} in "
            f"{short(violation['source'] or violation['document'])} line {violation['line']}"
            + (f" [{violation['sample']}]" if violation.get("sample") else "")
        )

    def close_all(self) -> None:
        """Playwright writes a context's HAR when it closes; the test may have left some open."""
        for context, _har in self.contexts:
            if id(context) not in self.closed:
                context.close()

    def responses(self):
        """(what, html, headers) of every HTML page and fragment in the closed contexts' HARs."""
        for context, har in self.contexts:
            if id(context) not in self.closed or har in self.read:
                continue
            self.read.add(har)
            for entry in json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]:
                request, response = entry["request"], entry["response"]
                kind = entry.get("_resourceType")
                headers = {h["name"].lower(): h["value"] for h in response["headers"]}
                content = response.get("content", {})
                if (
                    kind not in CHECKED_TYPES
                    or not headers.get("content-type", "").startswith("text/html")
                    or 300 <= response["status"] < 400
                    or not content.get("text")
                ):
                    continue  # not HTML, a redirect, no answer (aborted, offline), an empty 204
                what = f"{request['method']} {short(request['url'])} ({response['status']}, {kind})"
                yield what, content["text"], headers if kind == "document" else None

    def problems(self, checker) -> list[str]:
        """Every problem once: a document loaded many times (a poll's answer) is one entry."""
        found, seen = [], set()
        for what, html, document_headers in self.responses():
            if document_headers is not None and "content-security-policy" not in document_headers:
                found.append(f"{what}: no Content-Security-Policy header")
            if html not in seen:
                seen.add(html)
                found += [f"{what} {error}" for error in checker.html_errors(html)]
        found += [f"CSP: {violation}" for violation in dict.fromkeys(self.csp)]
        return found

    def take(self, checker) -> list[str]:
        """The problems so far (of the contexts closed by now), forgotten afterwards: for a
        test that makes them on purpose."""
        found = self.problems(checker)
        self.csp.clear()
        return found


@pytest.fixture(autouse=True)
def loaded_pages(browser, nu_checker, monkeypatch):
    """Watch every browser context the test opens (pytest-playwright's `page` and `context`
    and the test's own `browser.new_context()`), then check what they loaded."""
    pages = LoadedPages(Path(tempfile.mkdtemp(prefix="akad-har-")))
    new_context = browser.new_context

    def watched_context(**kwargs):
        assert "record_har_path" not in kwargs, "loaded_pages records the HAR already"
        args = pages.context_args()
        context = new_context(**args, **kwargs)
        pages.watch(context, args["record_har_path"])
        return context

    def watched_page(**kwargs):
        return watched_context(**kwargs).new_page()

    monkeypatch.setattr(browser, "new_context", watched_context)
    monkeypatch.setattr(browser, "new_page", watched_page)
    yield pages
    try:
        pages.close_all()
        problems = pages.problems(nu_checker)
    finally:
        shutil.rmtree(pages.folder, ignore_errors=True)
    if problems:
        pytest.fail(
            "What Chromium loaded in this test is not valid HTML (W3C Nu checker) or met the "
            "Content Security Policy:\n  " + "\n  ".join(problems),
            pytrace=False,
        )
