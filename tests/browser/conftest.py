"""Browser tests: the real app on live_server, driven in Debian's Chromium by Playwright."""

import os

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
