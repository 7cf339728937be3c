"""Performance benchmark of the hot requests of a live session: `manage.py bench [--rounds N]`.

It never touches the configured database. Like Django's test runner it sets up the test
environment and creates a throwaway test database (SQLite: in memory; PostgreSQL:
`test_<name>`), fills it through the services with one realistic meeting (6 case
discussions, 150 tips) and destroys it at the end, also after an error. Run inside a test
run (pytest), where the test environment and a test database already exist, it uses that
test database as it is.

Every request goes through django.test.Client, so the whole middleware stack runs, as logged
in as the meeting's facilitator. The baseline is a bare view in this module that renders
devtools/baseline.html (about as many bytes as the beamer's content fragment) without any
query; it is reachable only during the benchmark, through `urlpatterns` below, which
the command installs as ROOT_URLCONF (the app's own URLs plus the baseline path).

Rounds are interleaved: each round sends every scenario once, in a rotating order, after
one untimed warm-up round (templates, WeasyPrint and its fonts). The report gives the median
over the rounds. Timing never fails the command: it is a report, exit status 0 unless
something breaks.
"""

from __future__ import annotations

import gc
import os
import platform
import re
import statistics
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from unittest import mock

import django
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import render
from django.template import Template
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    _TestState,
    instrumented_test_render,
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import include, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from akad.http import HtmxHttpRequest

APP_URLCONF = "akad.urls"
BASELINE_TEMPLATE = "devtools/baseline.html"
DEFAULT_ROUNDS = 10
PDF_TARGET_MS = 1000.0
MAX_RATIO = 1.5
HTMX = {"HTTP_HX_REQUEST": "true"}


# ---------------------------------------------------------------------------------------------
# The baseline: a bare view, no queries, a template of the size of the beamer fragment


BASELINE_TIPS = [
    ("Samen boodschappen doen op zaterdag met de buurvrouw", "Fatima", ""),
    ("Vraag de zus of zij één keer per week belt", "Kees", "Wijkteam Noord"),
    ("Koffieochtend in het buurthuis op dinsdag", "Anouk", "Buurthuis De Kroon"),
    ("Maatje via de Vrijwilligerscentrale", "Jeroen", "Vrijwilligerscentrale"),
    ("Schuldhulpmaatje voor het ordenen van de post", "Fatima", "Schuldhulpmaatje"),
]


def _baseline_context() -> dict:
    """A fixed placemat-shaped context: 5 rows × 4 columns, 25 tips; built once, no DB."""
    columns = [
        {"label": label, "formality": n, "spotlight": n == 1}
        for n, label in enumerate(("Eigen kracht", "Netwerk", "Informeel", "Formeel"), start=1)
    ]
    rows = []
    for r, (domain, goal) in enumerate(
        [
            ("Financiën", "rondkomen van de uitkering"),
            ("Tijdsbesteding", "een vaste bezigheid in de week"),
            ("Huiselijke relaties", "beter contact met haar zoon"),
            ("Sociaal netwerk", "iemand om mee te praten"),
            ("Maatschappelijke participatie", "meedoen in de buurt"),
        ]
    ):
        cells = []
        for c, column in enumerate(columns):
            tips = [
                {"pk": 1000 + r * 20 + c * 5 + t, "text": text, "given_by": by, "organisation": org}
                for t, (text, by, org) in enumerate(BASELINE_TIPS)
                if (r + c + t) % 4 == 0
            ][:2]
            cells.append({"column": column, "tips": tips})
        rows.append(
            {"number": r + 1, "domain": domain, "goal": goal, "levels": (2, 4), "cells": cells}
        )
    # Spread exactly 25 tips: top up the first cells of each row.
    count = sum(len(cell["tips"]) for row in rows for cell in row["cells"])
    for row in rows:
        for cell in row["cells"]:
            if count < 25 and len(cell["tips"]) < 2:
                text, by, org = BASELINE_TIPS[count % len(BASELINE_TIPS)]
                cell["tips"].append(
                    {"pk": 2000 + count, "text": text, "given_by": by, "organisation": org}
                )
                count += 1
    return {
        "client": "Blommetje",
        "step_label": "Tips van links naar rechts",
        "step_number": 5,
        "step_count": 7,
        "minutes": 12,
        "question": "Hoe komt zij vaker buiten de deur, en met wie?",
        "columns": columns,
        "rows": rows,
        "version": 42,
    }


BASELINE_CONTEXT = _baseline_context()


@require_GET
def baseline(request: HtmxHttpRequest) -> HttpResponse:
    """Render a template of the beamer fragment's size: the cost of Django itself."""
    return render(request, BASELINE_TEMPLATE, BASELINE_CONTEXT)


@login_required
@require_GET
def baseline_logged_in(request: HtmxHttpRequest) -> HttpResponse:
    """The same bare view behind a login: what Django's session and user lookup add."""
    return render(request, BASELINE_TEMPLATE, BASELINE_CONTEXT)


# Installed as ROOT_URLCONF only while the benchmark runs.
urlpatterns = [
    path("bench/baseline/", baseline, name="bench_baseline"),
    path("bench/baseline/logged-in/", baseline_logged_in, name="bench_baseline_logged_in"),
    path("", include(APP_URLCONF)),
]


# ---------------------------------------------------------------------------------------------
# Test data, written through the services

PSEUDONYMS = ["Blommetje", "Kapitein", "Zonnebloem", "Merel", "Vlinder", "Eikenboom"]
OLD_PSEUDONYM = "Zeemeeuw"
PRESENTATION = {
    "situation": (
        "Woont sinds twee jaar alleen in een flat op de derde verdieping, met haar kat. "
        "Heeft een Wajong-uitkering en houdt van puzzelen en tekenen."
    ),
    "social_network": (
        "Een zus in de stad die af en toe belt, een buurvrouw die soms boodschappen doet; "
        "contact met haar zoon is sinds de verhuizing minder geworden."
    ),
    "strengths": (
        "Zorgzaam voor haar kat, creatief, kan goed luisteren en is op tijd voor afspraken."
    ),
    "desired_situation": (
        "Vaker de deur uit, een paar mensen om mee te praten en de post op orde."
    ),
    "question": "Hoe komt zij vaker buiten de deur, en met wie?",
}
GOALS = [
    "rondkomen van de uitkering zonder nieuwe schulden",
    "een vaste bezigheid op twee dagen in de week",
    "weer zelf de post openen en bijhouden",
    "beter contact met haar zoon",
    "iemand om mee te wandelen",
    "meedoen aan iets in de buurt",
]
TIP_TEXTS = [
    "Samen boodschappen doen op zaterdag met de buurvrouw",
    "Vraag de zus of zij één keer per week belt",
    "Koffieochtend in het buurthuis op dinsdag",
    "Maatje via de Vrijwilligerscentrale",
    "Schuldhulpmaatje voor het ordenen van de post",
    "Tekenclub in de bibliotheek, eerste keer samen gaan",
    "Wandelgroep van de fysiotherapeut op donderdag",
    "Budgetcoach van het wijkteam voor een weekoverzicht",
    "Zoon uitnodigen om samen te koken",
    "Dagbesteding bij de kringloopwinkel proberen",
    "Buurtapp: vragen wie ook een kat heeft",
    "Huisarts vragen naar praatgroep bij somberheid",
]
GIVERS = ["Fatima", "Kees", "Anouk", "Jeroen", "Marieke", ""]
ORGANISATIONS = [
    ("Buurthuis De Kroon", "welzijn", 3),
    ("Vrijwilligerscentrale", "vrijwilligers", 3),
    ("Wijkteam Noord", "wijkteam", 4),
    ("Schuldhulpmaatje", "vrijwilligers", 3),
]
TIPS_PER_CASE = 25
CASES = 6


@dataclass
class World:
    network: object
    facilitator: object
    meeting: object
    cases: list
    live: object
    columns: list
    organisations: list
    tips: int = 0
    chosen: int = 0
    follow_ups: int = 0


def build_world() -> World:
    """One network on a copy of the split preset (4 columns), a facilitator and a meeting.

    Five of the six cases are done (chosen tips with actions, rated); the sixth is live in
    the tips step and on the beamer. Three chosen tips of an earlier meeting are reported on
    in this one (its terugblik). Played through the services (devtools.builder).
    """
    from devtools import builder
    from matrices.models import Domain
    from networks.models import Organisation, Role
    from sessions.models import Result, Step
    from sessions.services import follow_up, live, planning

    network = builder.network(name="Bench Noord", preset_key="akad-split", district="Noord")
    columns = list(network.matrix.columns.order_by("order"))
    facilitator = builder.member(
        network, email="facilitator@bench.invalid", name="Fenna Facilitator", role=Role.FACILITATOR
    )
    bringers = [
        builder.member(network, email=f"member{n}@bench.invalid", name=name)
        for n, name in enumerate(["Sanne", "Youssef", "Ingrid"])
    ]
    organisations = [
        Organisation.objects.create(
            network=network, name=name, kind=kind, usual_column=columns[column - 1]
        )
        for name, kind, column in ORGANISATIONS
    ]
    domains = list(
        Domain.objects.filter(domain_set_id=network.matrix.domain_set_id).order_by("order")
    )
    now = timezone.now()

    def play(case, *, n_domains: int, n_tips: int, offset: int, until, chosen: range):
        live.save_presentation(case=case, **PRESENTATION)
        marked = [domains[(offset + 2 * d) % len(domains)] for d in range(n_domains)]
        goals = [
            builder.GoalPlan(
                domain=domain.key,
                goal=GOALS[(offset + d) % len(GOALS)],
                current=2,
                target=3 + d % 2,
            )
            for d, domain in enumerate(marked)
        ]
        plans = [
            builder.TipPlan(
                domain=marked[t % n_domains].key,
                column=columns[(t // n_domains + t) % len(columns)].key,
                text=TIP_TEXTS[(offset + t) % len(TIP_TEXTS)],
                given_by=GIVERS[t % len(GIVERS)],
                organisation=organisations[t % len(organisations)] if t % 3 == 0 else None,
                user=facilitator,
                chosen=t in chosen,
                who=case.case_bringer.display_name,
                what="Bespreken met de cliënt en een eerste afspraak maken",
                when="voor de volgende bijeenkomst",
            )
            for t in range(n_tips)
        ]
        rating = {"rating": 4, "remark": "Veel nieuwe ideeën uit de buurt."}
        return builder.play(case, goals=goals, tip_plans=plans, until=until, **rating), plans

    # An earlier meeting whose chosen tips this meeting follows up on.
    earlier = planning.create_meeting(
        network=network,
        starts_at=now - timedelta(days=28),
        place="Huis van de Wijk",
        facilitator=facilitator,
    )
    old_case = planning.add_case_discussion(
        meeting=earlier, case_bringer=bringers[0], pseudonym=OLD_PSEUDONYM
    )
    old_tips, _plans = play(
        old_case, n_domains=3, n_tips=6, offset=5, until=Step.EVALUATION, chosen=range(3)
    )

    meeting = planning.create_meeting(
        network=network, starts_at=now, place="Huis van de Wijk De Banne", facilitator=facilitator
    )
    world = World(network, facilitator, meeting, [], None, columns, organisations)
    for outcome, (tried, result) in zip(
        old_tips[:3], [(True, Result.WORKED), (True, Result.PARTLY), (False, "")], strict=True
    ):
        follow_up.record_outcome(
            tip=outcome,
            tried=tried,
            result=result,
            why="Zij vond het fijn dat iemand meeging." if tried else "Geen tijd gehad.",
            reported_in=meeting,
            reported_by="Sanne",
            user=facilitator,
        )
        world.follow_ups += 1

    for n in range(CASES):
        case = planning.add_case_discussion(
            meeting=meeting, case_bringer=bringers[n % len(bringers)], pseudonym=PSEUDONYMS[n]
        )
        done = n < CASES - 1
        tips, plans = play(
            case,
            n_domains=4 + n % 2,
            n_tips=TIPS_PER_CASE,
            offset=n,
            until=Step.EVALUATION if done else Step.TIPS,
            chosen=range(0, TIPS_PER_CASE, 6) if done else range(0),
        )
        world.tips += len(tips)
        world.chosen += sum(plan.chosen for plan in plans)
        world.cases.append(case)
    world.live = world.cases[-1]
    meeting.refresh_from_db()
    return world


# ---------------------------------------------------------------------------------------------
# Scenarios


@dataclass
class Scenario:
    """One kind of request. `prepare` runs untimed and returns the timed call."""

    key: str
    label: str
    prepare: Callable[[], Callable[[], HttpResponse]]
    check: Callable[[HttpResponse], None]
    after: Callable[[HttpResponse], None] = lambda response: None
    target: str = "-"
    passes: Callable[[float, float, int], bool] | None = None  # (median_ms, ratio, queries)
    times_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    size: int | None = None


class BadResponse(CommandError):
    """A scenario did not get the response it should: the benchmark stops (a bug, not slowness)."""

    def __init__(self, message: str, response: HttpResponse):
        super().__init__(message)
        self.response = response


def expect(response: HttpResponse, status: int, what: str, *, contains: str = "") -> None:
    if response.status_code != status:
        raise BadResponse(f"{what}: expected HTTP {status}, got {response.status_code}", response)
    if contains and contains not in response.content.decode():
        raise BadResponse(f"{what}: the response lacks {contains!r}", response)


def poll_url_in(html: str) -> str:
    match = re.search(r'hx-get="([^"]+)"', html)
    if not match:
        raise CommandError("the beamer page has no poll URL")
    return match.group(1).replace("&amp;", "&")


def make_scenarios(client: Client, world: World) -> list[Scenario]:
    from reports import views as reports
    from sessions.models import Meeting, Tip
    from sessions.services import tips as tip_services

    meeting, live = world.meeting, world.live
    poll = reverse("casework:beamer_poll", args=[meeting.pk])
    beamer = client.get(reverse("casework:beamer", args=[meeting.pk]))
    expect(beamer, 200, "beamer page")
    # What the beamer in the browser holds: the poll URL of the last content it got.
    seen = {"url": poll_url_in(beamer.content.decode())}
    live_tip = live.tips.order_by("pk").first().text
    goal = live.goals.order_by("domain__order").first()

    def version() -> int:
        return Meeting.objects.values_list("version", flat=True).get(pk=meeting.pk)

    def prepare_baseline():
        url = reverse("bench_baseline")
        return lambda: client.get(url, **HTMX)

    def prepare_baseline_logged_in():
        url = reverse("bench_baseline_logged_in")
        return lambda: client.get(url, **HTMX)

    # Beamer poll, nothing changed: the current version, with the pass of the last content
    # (a pass lasts 10 minutes; every changed poll hands out a new one, as in the browser).
    def prepare_unchanged():
        poll_pass = re.search(r"[?&]pass=([^&]+)", seen["url"]).group(1)
        url = f"{poll}?v={version()}&pass={poll_pass}"
        return lambda: client.get(url, **HTMX)

    # Beamer poll after a change: the beamer still holds the previous version.
    def prepare_changed():
        url = seen["url"]
        Meeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1)
        return lambda: client.get(url, **HTMX)

    def after_changed(response):
        seen["url"] = poll_url_in(response.content.decode())

    def check_changed(response):
        expect(response, 200, "changed beamer poll", contains=live_tip)
        if b"<html" in response.content:
            raise BadResponse("changed beamer poll: a full page instead of a fragment", response)

    # Add a tip (HTMX): a fresh form key each time; the tip is deleted again afterwards, so
    # the live case keeps its 25 tips for the other scenarios.
    added: dict = {}

    def prepare_add():
        key = uuid.uuid4()
        added["key"] = key
        data = {
            "key": str(key),
            "text": "Buurtbus naar de markt op woensdag",
            "domain": goal.domain_id,
            "column": world.columns[1].pk,
            "given_by": "Kees",
            "organisation": world.organisations[0].pk,
        }
        url = reverse("casework:add_tip", args=[live.pk])
        return lambda: client.post(url, data, **HTMX)

    def after_add(response):
        tip_services.delete_tip(tip=Tip.objects.get(key=added["key"]))

    def check_add(response):
        expect(response, 200, "add tip", contains="Buurtbus naar de markt op woensdag")
        if not Tip.objects.filter(key=added["key"]).exists():
            raise BadResponse("add tip: the tip was not stored", response)

    def prepare_console():
        url = reverse("casework:console", args=[live.pk])
        return lambda: client.get(url)

    # The meeting PDF, rendered (the report cache emptied first, WeasyPrint warm) ...
    def prepare_pdf():
        cache.clear()
        url = reverse("reports:meeting_pdf", args=[meeting.pk])
        return lambda: client.get(url)

    # ... and downloaded again while the meeting has not changed (from the report cache).
    def prepare_pdf_cached():
        url = reverse("reports:meeting_pdf", args=[meeting.pk])
        client.get(url)
        return lambda: client.get(url)

    # ... and WeasyPrint alone on the same HTML, without Django: the floor of the rendered PDF.
    report: dict = {}

    def prepare_weasyprint():
        if "html" not in report:
            report["html"] = report_html(client, reverse("reports:meeting_pdf", args=[meeting.pk]))
        html = report["html"]
        # The function the report view calls (looked up at call time, as the view does).
        return lambda: HttpResponse(
            reports.render_pdf(html, base_url="http://testserver/"),
            content_type="application/pdf",
        )

    def check_pdf(response):
        expect(response, 200, "meeting PDF")
        if response["Content-Type"] != "application/pdf" or not response.content.startswith(
            b"%PDF"
        ):
            raise BadResponse("meeting PDF: the response is not a PDF", response)

    within = lambda ms, ratio, queries: ratio <= MAX_RATIO  # noqa: E731
    return [
        Scenario(
            "baseline",
            "baseline (bare view, no DB)",
            prepare_baseline,
            lambda r: expect(r, 200, "baseline", contains="Blommetje"),
            target="reference",
        ),
        Scenario(
            "baseline_logged_in",
            "baseline logged in (session + user)",
            prepare_baseline_logged_in,
            lambda r: expect(r, 200, "logged-in baseline", contains="Blommetje"),
            target="- (context)",
        ),
        Scenario(
            "poll_unchanged",
            "beamer poll, unchanged (204)",
            prepare_unchanged,
            lambda r: expect(r, 204, "unchanged beamer poll"),
            target=f"<= {MAX_RATIO}x, <= 1 query",
            passes=lambda ms, ratio, queries: ratio <= MAX_RATIO and queries <= 1,
        ),
        Scenario(
            "poll_changed",
            "beamer poll, changed (fragment)",
            prepare_changed,
            check_changed,
            after_changed,
            target=f"<= {MAX_RATIO}x (report)",
            passes=within,
        ),
        Scenario(
            "add_tip",
            "add a tip (HTMX POST)",
            prepare_add,
            check_add,
            after_add,
            target=f"<= {MAX_RATIO}x",
            passes=within,
        ),
        Scenario(
            "console",
            "console page (full, tips step)",
            prepare_console,
            lambda r: expect(r, 200, "console", contains="<html"),
            target="- (report)",
        ),
        Scenario(
            "meeting_pdf",
            "meeting PDF (6 cases, 150 tips), rendered",
            prepare_pdf,
            check_pdf,
            target=f"< {PDF_TARGET_MS:.0f} ms warm",
            passes=lambda ms, ratio, queries: ms < PDF_TARGET_MS,
        ),
        Scenario(
            "meeting_pdf_cached",
            "meeting PDF again, unchanged (cached)",
            prepare_pdf_cached,
            check_pdf,
            target=f"< {PDF_TARGET_MS:.0f} ms",
            passes=lambda ms, ratio, queries: ms < PDF_TARGET_MS,
        ),
        Scenario(
            "weasyprint_only",
            "same HTML, WeasyPrint alone (PDF/UA)",
            prepare_weasyprint,
            check_pdf,
            target="- (floor)",
        ),
    ]


def report_html(client: Client, url: str) -> str:
    """The HTML the report view hands to WeasyPrint (rendered once, not cached)."""
    seen: list[str] = []

    def keep(html: str, *, base_url: str) -> bytes:
        seen.append(html)
        return b"%PDF-"

    cache.clear()
    with mock.patch("reports.views.render_pdf", keep):
        expect(client.get(url), 200, "meeting PDF HTML")
    cache.clear()
    return seen[0]


def send(scenario: Scenario, *, count_queries: bool = False) -> tuple[HttpResponse, float]:
    """One request of `scenario`: prepared, timed (or its queries counted), checked, undone."""
    call = scenario.prepare()
    if count_queries:
        with CaptureQueriesContext(connection) as queries:
            response = call()
        scenario.queries = len(queries)
        elapsed_ms = float("nan")
    else:
        start = time.perf_counter_ns()
        response = call()
        elapsed_ms = (time.perf_counter_ns() - start) / 1e6
    scenario.check(response)
    scenario.after(response)
    return response, elapsed_ms


# ---------------------------------------------------------------------------------------------
# The command


def database_description() -> str:
    vendor = connection.vendor
    name = connection.settings_dict["NAME"]
    if vendor == "sqlite":
        import sqlite3

        where = "in memory" if connection.is_in_memory_db() else name
        return f"sqlite (SQLite {sqlite3.sqlite_version}), test database {where}"
    if vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        return f"postgresql (PostgreSQL {major}.{minor}), test database {name}"
    return f"{vendor}, test database {name}"


def production_render():
    """Django's own Template._render, which setup_test_environment() replaced.

    Django keeps the original on its private test state; if that ever moves, fall back to
    what Template._render does in Django itself.
    """
    saved = getattr(_TestState, "saved_data", None)
    original = getattr(saved, "template_render", None)
    if original is None or original is instrumented_test_render:
        return lambda self, context: self.nodelist.render(context)
    return original


def font_subsetter() -> str:
    """Which library WeasyPrint subsets fonts with: HarfBuzz (fast) or its fontTools fallback."""
    from weasyprint.text.ffi import harfbuzz_subset

    if harfbuzz_subset is None:
        return "fonts subset by fontTools: install libharfbuzz-subset0 for faster PDFs"
    return "fonts subset by HarfBuzz"


def looks_like_a_test_database() -> bool:
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    name = str(connection.settings_dict["NAME"])
    test_name = connection.settings_dict.get("TEST", {}).get("NAME")
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return True
    return name.startswith(TEST_DATABASE_PREFIX) or (bool(test_name) and name == test_name)


class Command(BaseCommand):
    help = (
        "Measure the hot requests of a live session (beamer poll, add tip, console, meeting PDF) "
        "against a bare Django view, on a throwaway test database. Prints a report; never fails "
        "on timing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rounds",
            type=int,
            default=DEFAULT_ROUNDS,
            help=f"timed rounds; each sends every scenario once (default {DEFAULT_ROUNDS})",
        )

    def handle(self, *args, rounds: int, **options) -> None:
        if rounds < 1:
            raise CommandError("--rounds must be at least 1")
        try:
            setup_test_environment(debug=False)
        except RuntimeError:
            # Already inside a test run (pytest): its database is a throwaway test database.
            if not looks_like_a_test_database():
                raise CommandError("inside a test run, but not on a test database") from None
            self.run(rounds)
            return
        old_name = connection.settings_dict["NAME"]
        try:
            connection.creation.create_test_db(
                verbosity=0, autoclobber=True, keepdb=False, serialize=False
            )
            self.run(rounds)
        finally:
            if connection.settings_dict["NAME"] != old_name:  # the test database was made
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
            teardown_test_environment()

    def run(self, rounds: int) -> None:
        # Render templates as in production: the test environment instruments every render
        # to copy its context for the test client, which would weigh on pages with includes.
        instrumented = Template._render
        Template._render = production_render()
        try:
            self._run(rounds)
        finally:
            Template._render = instrumented

    def _run(self, rounds: int) -> None:
        plain_static = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with (
            override_settings(ROOT_URLCONF=__name__, STORAGES=plain_static),
            warnings.catch_warnings(),
        ):
            # WhiteNoise warns that `collectstatic` has not run; no static file is needed here.
            warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
            self.load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            started = time.perf_counter()
            world = build_world()
            client = Client()
            client.force_login(world.facilitator)
            scenarios = make_scenarios(client, world)
            setup_s = time.perf_counter() - started
            self.measure(scenarios, rounds)
            self.report(scenarios, world, rounds, setup_s)

    def measure(self, scenarios: list[Scenario], rounds: int) -> None:
        # Warm-up, untimed: compiles the templates, loads WeasyPrint and its fonts. It counts
        # each request's queries on the way (never while timing: capturing slows the cursor).
        for scenario in scenarios:
            response, _ms = send(scenario, count_queries=True)
            scenario.size = len(response.content)
        # Timed rounds, interleaved, in a rotating order.
        for n in range(rounds):
            gc.collect()
            shift = n % len(scenarios)
            for scenario in scenarios[shift:] + scenarios[:shift]:
                _response, ms = send(scenario)
                scenario.times_ms.append(ms)

    def report(self, scenarios: list[Scenario], world: World, rounds: int, setup_s: float) -> None:
        import weasyprint

        out = self.stdout.write
        by_key = {s.key: s for s in scenarios}
        base = statistics.median(by_key["baseline"].times_ms)
        logged_in = statistics.median(by_key["baseline_logged_in"].times_ms)
        out("AKAD casustafel benchmark")
        out(
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"WeasyPrint {weasyprint.__version__} ({font_subsetter()}), "
            f"database: {database_description()}"
        )
        out(
            f"Data: 1 network (copy of the split preset, {len(world.columns)} columns), a meeting "
            f"with {len(world.cases)} case discussions and {world.tips} tips "
            f"({TIPS_PER_CASE} per case, {world.chosen} chosen with an action), "
            f"{world.follow_ups} follow-ups reported; live case in the tips step on the beamer. "
            f"Built in {setup_s:.1f} s."
        )
        out(
            f"Rounds: {rounds} timed (after 1 untimed warm-up), interleaved in a rotating order; "
            "median per scenario. Client: django.test.Client, logged in as the facilitator."
        )
        out(
            f"Sizes: beamer content fragment {by_key['poll_changed'].size:,} bytes, "
            f"baseline {by_key['baseline'].size:,} bytes. Machine: {os.cpu_count()} CPUs, load "
            f"average {self.load:.2f} at the start (timings are noisy on a busy machine)."
        )
        out("")
        header = (
            f"{'scenario':<40}{'median ms':>10}{'min ms':>9}{'x base':>9}{'queries':>9}"
            f"{'bytes':>10}{'x login':>9}  {'target':<24}result"
        )
        out(header)
        out("-" * len(header))
        results = []
        for s in scenarios:
            median = statistics.median(s.times_ms)
            ratio = median / base if base else float("inf")
            mark = "-"
            if s.passes is not None:
                mark = "PASS" if s.passes(median, ratio, s.queries) else "MISS"
                results.append(mark)
            out(
                f"{s.label:<40}{median:>10.2f}{min(s.times_ms):>9.2f}{ratio:>8.2f}x"
                f"{s.queries:>9}{s.size:>10,}{median / logged_in:>8.2f}x  {s.target:<24}{mark}"
            )
        out("")
        out(
            "x base: against the bare view (the targets' reference). x login: against the same "
            "view behind a login (Django's session and user lookup, 2 queries), for context."
        )
        out(
            f"Targets met: {results.count('PASS')} of {len(results)} "
            "(a report only: timing never fails this command)."
        )
