"""Performance benchmark of the hot requests of a live session: `manage.py bench [--rounds N]`.

It never touches the configured database. Like Django's test runner it sets up the test
environment and creates a throwaway test database (SQLite: `test-db.sqlite3`; PostgreSQL:
`test_<name>`), fills it through the services with one realistic meeting (6 case
discussions, 150 tips) and destroys it at the end, also after an error. Run inside a test
run (pytest), where the test environment and a test database already exist, it uses that
test database as it is.

Every request goes through django.test.Client, so the whole middleware stack runs, as logged
in as the meeting's facilitator. The reference of the targets (issue 9) is a bare view in this
module behind a login: it renders devtools/baseline.html (shaped like the beamer's placemat,
about as many bytes as the beamer's content fragment) without a query of its own, so it costs
Django, the session and the user lookup. Every page of the app is compared with the same
bare view rendering as many placemat rows as make about the page's bytes, and the rendered
meeting PDF with WeasyPrint alone on the same HTML. The bare views are reachable only during
the benchmark, through `urlpatterns` below, which the command installs as ROOT_URLCONF (the
app's own URLs plus the baseline paths).

Rounds are interleaved: each round sends every scenario once (the references too), in a
rotating order, after one untimed warm-up round (templates, WeasyPrint and its fonts; it also
counts queries and bytes). The report gives the median over the rounds and each one's ratio
to its reference's median from the same rounds, so that the load of a shared machine weighs
on both. Timing never fails the command: it is a report, exit status 0 unless
something breaks.
"""

from __future__ import annotations

import functools
import gc
import os
import platform
import re
import statistics
import time
import uuid
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from unittest import mock
from urllib.parse import urlencode

import django
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
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
# The targets of issue 9, each a ratio to a reference measured in the same rounds.
BASELINE_LOGGED_IN = "baseline_logged_in"  # the reference: a request cannot cost less
POLL_UNCHANGED_MAX = 0.5  # × the logged-in bare view
POLL_SHARED_MAX = 1.2  # × the logged-in bare view
ADD_TIP_MAX = 2.0  # × the logged-in bare view
PDF_MAX_RATIO = 1.1  # × WeasyPrint alone on the same HTML
PDF_CACHED_MS = 50.0
PAGE_MAX_RATIO = 8.0  # × the logged-in bare view of the page's size
HTMX = {"HTTP_HX_REQUEST": "true"}
FORM_ENCODED = "application/x-www-form-urlencoded"


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
REFERENCE_ROWS = len(BASELINE_CONTEXT["rows"])  # 5: the size of the beamer content fragment


@functools.cache
def sized_context(rows: int) -> dict:
    """The baseline context with `rows` placemat rows (the five rows over and over): a bare
    view of about the size of a page is the same template with more rows."""
    base = BASELINE_CONTEXT["rows"]
    return {**BASELINE_CONTEXT, "rows": [base[n % len(base)] for n in range(rows)]}


@require_GET
def baseline(request: HtmxHttpRequest) -> HttpResponse:
    """Render a template of the beamer fragment's size: the cost of Django itself."""
    return render(request, BASELINE_TEMPLATE, BASELINE_CONTEXT)


@login_required
@require_GET
def baseline_logged_in(request: HtmxHttpRequest, rows: int = REFERENCE_ROWS) -> HttpResponse:
    """The same bare view behind a login: what Django's session and user lookup add. The
    reference of every target; with more `rows` the reference of a page of that size."""
    return render(request, BASELINE_TEMPLATE, sized_context(rows))


# What a request of care data must say to the database beyond the login, as the cheapest
# statements there are (`SELECT 1`, written out: no ORM, no plan, no row, no write): the floor
# under the targets, measured on the database of the run. A changed poll asks two things (is
# its meeting still at the version it shows, may this viewer see it); adding a tip five (may
# the viewer add to this case, the access log's row, the cell's checks, the tip, the meeting's
# new version), the writes in one transaction.
POLL_STATEMENTS, ADD_TIP_STATEMENTS = 2, 5


@login_required
@require_GET
def baseline_statements(request: HtmxHttpRequest, statements: int, in_transaction: int):
    """The logged-in bare view plus `statements` round trips to the database."""
    request.user.pk  # noqa: B018 (the login's lookups first, as in every view)
    with transaction.atomic() if in_transaction else nullcontext(), connection.cursor() as cursor:
        for _n in range(statements):
            cursor.execute("SELECT 1")
    return render(request, BASELINE_TEMPLATE, BASELINE_CONTEXT)


# Installed as ROOT_URLCONF only while the benchmark runs.
urlpatterns = [
    path("bench/baseline/", baseline, name="bench_baseline"),
    path("bench/baseline/logged-in/", baseline_logged_in, name="bench_baseline_logged_in"),
    path(
        "bench/baseline/logged-in/<int:rows>/",
        baseline_logged_in,
        name="bench_baseline_sized",
    ),
    path(
        "bench/baseline/statements/<int:statements>/<int:in_transaction>/",
        baseline_statements,
        name="bench_baseline_statements",
    ),
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
    reviewed: int = 0  # follow-ups recorded in the case review of the first case


def build_world() -> World:
    """One network on a copy of the split preset (4 columns), a facilitator and a meeting.

    Five of the six cases are done (chosen tips with actions, rated); the sixth is live in
    the tips step and on the beamer. Three chosen tips of an earlier meeting are reported on
    in this one (its terugblik). In the first case's review the client has decided on its
    chosen tips and three have a follow-up. Played through the services (devtools.builder).
    """
    from devtools import builder
    from matrices.models import Domain
    from networks.models import Organisation, Role
    from sessions.models import Decision, Result, Step
    from sessions.services import follow_up, live, planning
    from sessions.services import tips as tip_services

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
    # The case review after the meeting: the client's decisions, and what came of three tips.
    chosen = list(world.cases[0].tips.filter(chosen=True).order_by("pk"))
    decisions = [Decision.ACCEPTED, Decision.ACCEPTED, Decision.ACCEPTED, Decision.DECLINED]
    for tip, decision in zip(chosen, decisions, strict=False):
        tip_services.record_decision(tip=tip, decision=decision)
    for tip, (tried, result) in zip(
        chosen, [(True, Result.WORKED), (True, Result.PARTLY), (False, "")], strict=False
    ):
        follow_up.record_outcome(
            tip=tip,
            tried=tried,
            result=result,
            why="Samen met de buurvrouw geprobeerd." if tried else "Nog geen tijd gehad.",
            reported_by="Sanne",
            user=facilitator,
        )
        world.reviewed += 1
    meeting.refresh_from_db()
    return world


# ---------------------------------------------------------------------------------------------
# Scenarios

# The sections of the report, in order.
REFERENCES, LIVE, PDF, PAGES = "references", "live", "pdf", "pages"


@dataclass
class Scenario:
    """One kind of request. `prepare` runs untimed and returns the timed call.

    `reference` is the key of the scenario its ratio is taken against (measured in the same
    rounds); a page's is its same-size baseline, chosen once its size is known.
    """

    key: str
    label: str
    prepare: Callable[[], Callable[[], HttpResponse]]
    check: Callable[[HttpResponse], None]
    after: Callable[[HttpResponse], None] = lambda response: None
    target: str = "-"
    passes: Callable[[float, float, int], bool] | None = None  # (median_ms, ratio, queries)
    section: str = LIVE
    reference: str | None = BASELINE_LOGGED_IN
    times_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    size: int | None = None
    # From the pass after the timed rounds (live requests and their reference): per request,
    # the whole request and the part spent in the database's statements and commits.
    split_ms: list[tuple[float, float]] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)


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


def full_page(what: str, contains: str = "") -> Callable[[HttpResponse], None]:
    def check(response: HttpResponse) -> None:
        expect(response, 200, what, contains=contains)
        if b"<html" not in response.content:
            raise BadResponse(f"{what}: a fragment instead of the whole page", response)

    return check


def sized_baseline(client: Client, page: Scenario, rows: int, **headers) -> Scenario:
    """The logged-in bare view with `rows` placemat rows, timed right next to `page`: the
    reference of a page its size (or, with the reference's rows, of a live request)."""
    url = reverse("bench_baseline_sized", args=[rows])
    return Scenario(
        f"baseline_for_{page.key}",
        f"bare view behind a login, {rows} row{'' if rows == 1 else 's'}",
        lambda: lambda: client.get(url, **headers),
        lambda r: expect(r, 200, "same-size baseline", contains="Blommetje"),
        section=REFERENCES,
        reference=None,
    )


def make_scenarios(client: Client, world: World) -> list[Scenario]:
    from reports import views as reports
    from sessions.models import CaseDiscussion, Meeting, Step, Tip
    from sessions.services import tips as tip_services

    meeting, live = world.meeting, world.live
    # The case that is reviewed, and whose console is shown in each step but the tips step
    # (that is the live case's): it is put in the step for the request and back after it,
    # without touching the meeting's version (the beamer and the reports do not show it).
    done = world.cases[0]
    poll = reverse("casework:beamer_poll", args=[meeting.pk])
    beamer_url = reverse("casework:beamer", args=[meeting.pk])
    beamer = client.get(beamer_url)
    expect(beamer, 200, "beamer page")
    # What the beamer in the browser holds: the poll URL of the last content it got.
    seen = {"url": poll_url_in(beamer.content.decode())}
    # Another screen of the meeting (a second beamer, the console's preview), logged in as well.
    other = Client()
    other.force_login(world.facilitator)
    anonymous = Client()
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

    def floor(key: str, label: str, *, in_transaction: bool = False) -> Scenario:
        """The logged-in bare view plus a request's statements (POLL_STATEMENTS, ...)."""
        statements = ADD_TIP_STATEMENTS if in_transaction else POLL_STATEMENTS
        url = reverse("bench_baseline_statements", args=[statements, int(in_transaction)])
        return Scenario(
            key,
            label,
            lambda: lambda: client.get(url, **HTMX),
            lambda r: expect(r, 200, "baseline with statements", contains="Blommetje"),
            target="- (context)",
            section=REFERENCES,
        )

    # Beamer poll, nothing changed: the current version, with the pass of the last content
    # (a pass lasts 10 minutes; every changed poll hands out a new one, as in the browser).
    def prepare_unchanged():
        poll_pass = re.search(r"[?&]pass=([^&]+)", seen["url"]).group(1)
        url = f"{poll}?v={version()}&pass={poll_pass}"
        return lambda: client.get(url, **HTMX)

    # Beamer poll after a change, served from the shared render: another screen of the
    # meeting asked first and rendered the new version, as every screen but one does.
    def prepare_shared():
        url = seen["url"]
        Meeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1)
        expect(other.get(url, **HTMX), 200, "the other screen's poll", contains=live_tip)
        return lambda: client.get(url, **HTMX)

    # ... and the first screen after a change, which renders the new version (for context).
    def prepare_first():
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
        # Form-encoded, as htmx sends it (the test client would send multipart by default).
        body = urlencode(data)
        return lambda: client.post(url, body, content_type=FORM_ENCODED, **HTMX)

    def after_add(response):
        tip_services.delete_tip(tip=Tip.objects.get(key=added["key"]))

    # A tip from a phone: guests joined with the meeting's code (no account), taking turns so
    # that none reaches the rate limit of 20 tips a minute; deleted again afterwards.
    phones = []
    for n in range(4):
        phone = Client()
        code = meeting.join_code.replace("-", "")
        phone.get(reverse("casework:join_code", args=[code]))
        joined = phone.post(
            reverse("casework:join_code", args=[code]),
            {"display_name": f"Deelnemer {n + 1}", "organisation_name": "Buurthuis"},
        )
        expect(joined, 302, "a phone joins with the code")
        phones.append(phone)
    phone_url = reverse("casework:phone_add_tip", args=[meeting.pk])

    def prepare_guest_add():
        key = uuid.uuid4()
        added["key"] = key
        phone = phones[len(added.setdefault("turns", [])) % len(phones)]
        added["turns"].append(key)
        data = {
            "key": str(key),
            "case": live.pk,
            "text": "Samen naar de markt op woensdag",
            "domain": goal.domain_id,
            "column": world.columns[1].pk,
        }
        body = urlencode(data)
        return lambda: phone.post(phone_url, body, content_type=FORM_ENCODED, HTTP_X_AKAD_PHONE="1")

    def check_guest_add(response):
        expect(response, 200, "add tip from a phone", contains="Samen naar de markt op woensdag")
        if not Tip.objects.filter(key=added["key"]).exists():
            raise BadResponse("add tip from a phone: the tip was not stored", response)

    def check_add(response):
        expect(response, 200, "add tip", contains="Buurtbus naar de markt op woensdag")
        if not Tip.objects.filter(key=added["key"]).exists():
            raise BadResponse("add tip: the tip was not stored", response)

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

    # Pages: every full page of the app, each against a logged-in bare view of its size.
    def get(url: str, who: Client = client):
        return lambda: lambda: who.get(url)

    def console_in(step: Step):
        url = reverse("casework:console", args=[done.pk])

        def prepare():
            CaseDiscussion.objects.filter(pk=done.pk).update(step=step)
            return lambda: client.get(url)

        return prepare

    def back_to_evaluation(response):
        CaseDiscussion.objects.filter(pk=done.pk).update(step=Step.EVALUATION)

    # The beamer page as a screen opens it during the session: the content already shared.
    def prepare_beamer_page():
        expect(other.get(beamer_url), 200, "the other screen's beamer page")
        return lambda: client.get(beamer_url)

    def page(key: str, label: str, prepare, check, after=lambda response: None) -> Scenario:
        return Scenario(
            key,
            label,
            prepare,
            check,
            after,
            target=f"<= {PAGE_MAX_RATIO:g}x same size",
            passes=lambda ms, ratio, queries: ratio <= PAGE_MAX_RATIO,
            section=PAGES,
            reference=None,  # its same-size baseline, once its size is known
        )

    def console_page(step: Step, label: str) -> Scenario:
        check = full_page(
            f"console ({step.value})", contains=f'value="{step.value}" aria-current="step"'
        )
        return page(f"console_{step.value}", label, console_in(step), check, back_to_evaluation)

    tips_check = full_page("console (tips)", contains=live_tip)
    pages = [
        page("home", "home (overview)", get(reverse("casework:home")), full_page("home")),
        page(
            "meeting_list",
            "meeting list",
            get(reverse("casework:meeting_list")),
            full_page("meeting list"),
        ),
        page(
            "meeting_detail",
            "meeting detail (6 cases)",
            get(reverse("casework:meeting_detail", args=[meeting.pk])),
            full_page("meeting detail", contains=PSEUDONYMS[0]),
        ),
        console_page(Step.OPENING, "console, opening"),
        console_page(Step.FOLLOW_UP, "console, terugblik (3 reported)"),
        console_page(Step.PRESENTATION, "console, casusinbreng"),
        console_page(Step.DOMAINS, "console, domains (13 domains)"),
        page(
            "console_tips",
            "console, tips (25 tips, live case)",
            get(reverse("casework:console", args=[live.pk])),
            tips_check,
        ),
        console_page(Step.CLOSING, "console, afronding (25 tips)"),
        console_page(Step.EVALUATION, "console, evaluatie"),
        page("beamer_page", "beamer page (tips step)", prepare_beamer_page, full_page("beamer")),
        page(
            "review",
            "case review (25 tips, 5 chosen)",
            get(reverse("casework:review", args=[done.pk])),
            full_page("case review", contains=PSEUDONYMS[0]),
        ),
        page(
            "login",
            "login page (logged out)",
            get(reverse("accounts:login"), anonymous),
            full_page("login page"),
        ),
    ]

    return [
        Scenario(
            "baseline",
            "bare view, no login, no DB",
            prepare_baseline,
            lambda r: expect(r, 200, "baseline", contains="Blommetje"),
            target="- (context)",
            section=REFERENCES,
        ),
        Scenario(
            BASELINE_LOGGED_IN,
            "bare view behind a login (reference)",
            prepare_baseline_logged_in,
            lambda r: expect(r, 200, "logged-in baseline", contains="Blommetje"),
            target="reference",
            section=REFERENCES,
        ),
        floor("floor_poll", f"+ {POLL_STATEMENTS} statements (changed poll's floor)"),
        floor(
            "floor_add_tip",
            f"+ {ADD_TIP_STATEMENTS} in a transaction (add-tip's floor)",
            in_transaction=True,
        ),
        Scenario(
            "weasyprint_only",
            "WeasyPrint alone, same HTML (PDF/UA)",
            prepare_weasyprint,
            check_pdf,
            target="reference of the PDF",
            section=REFERENCES,
            reference=None,
        ),
        Scenario(
            "poll_unchanged",
            "beamer poll, unchanged (204)",
            prepare_unchanged,
            lambda r: expect(r, 204, "unchanged beamer poll"),
            target=f"<= {POLL_UNCHANGED_MAX:g}x, <= 1 query",
            passes=lambda ms, ratio, queries: ratio <= POLL_UNCHANGED_MAX and queries <= 1,
        ),
        Scenario(
            "poll_shared",
            "beamer poll, changed, shared render",
            prepare_shared,
            check_changed,
            after_changed,
            target=f"<= {POLL_SHARED_MAX:g}x",
            passes=lambda ms, ratio, queries: ratio <= POLL_SHARED_MAX,
        ),
        Scenario(
            "poll_first",
            "beamer poll, changed, first render",
            prepare_first,
            check_changed,
            after_changed,
            target="- (context)",
        ),
        Scenario(
            "add_tip",
            "add a tip, facilitator (HTMX POST)",
            prepare_add,
            check_add,
            after_add,
            target=f"<= {ADD_TIP_MAX:g}x",
            passes=lambda ms, ratio, queries: ratio <= ADD_TIP_MAX,
        ),
        Scenario(
            "add_tip_guest",
            "add a tip, guest (phone POST)",
            prepare_guest_add,
            check_guest_add,
            after_add,
            target=f"<= {ADD_TIP_MAX:g}x",
            passes=lambda ms, ratio, queries: ratio <= ADD_TIP_MAX,
        ),
        Scenario(
            "meeting_pdf",
            "meeting PDF, rendered (6 cases, 150 tips)",
            prepare_pdf,
            check_pdf,
            target=f"<= {PDF_MAX_RATIO:g}x WeasyPrint",
            passes=lambda ms, ratio, queries: ratio <= PDF_MAX_RATIO,
            section=PDF,
            reference="weasyprint_only",
        ),
        Scenario(
            "meeting_pdf_cached",
            "meeting PDF again, unchanged (cached)",
            prepare_pdf_cached,
            check_pdf,
            target=f"<= {PDF_CACHED_MS:g} ms",
            passes=lambda ms, ratio, queries: ms <= PDF_CACHED_MS,
            section=PDF,
            reference=None,
        ),
        *pages,
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


# CPython 3.11 keeps its frames in 16 KB chunks and frees a chunk as soon as the frame at its
# start returns (python/cpython#142183, fixed in 3.13 and later): a request whose template
# recursion keeps crossing a chunk edge pays an mmap and a munmap each time, up to twice its
# time. Where the edges fall depends on how deep the caller already is, so one call depth is
# a lottery: every round sends its requests from a different depth, spread over one chunk's
# worth of frames of `deeper` (about 136 of them), and the medians are over those depths.
CHUNK_FRAMES = 136


def deeper(frames: int, call: Callable[[], object]) -> object:
    """`call()` from `frames` frames further down the stack (each frame a small one)."""
    return call() if frames <= 0 else deeper(frames - 1, call)


def send(
    scenario: Scenario, *, count_queries: bool = False, depth: int = 0, around=None
) -> tuple[HttpResponse, float]:
    """One request of `scenario`: prepared, timed (or its queries counted), checked, undone.
    `around` (a context manager) is entered for the request alone."""
    call = scenario.prepare()
    if count_queries:
        with CaptureQueriesContext(connection) as queries:
            response = call()
        scenario.queries = len(queries)
        elapsed_ms = float("nan")
    else:

        def timed():
            start = time.perf_counter_ns()
            response = call()
            return response, (time.perf_counter_ns() - start) / 1e6

        with around or nullcontext():
            response, elapsed_ms = deeper(depth, timed)
    scenario.check(response)
    scenario.after(response)
    return response, elapsed_ms


class DatabaseTime:
    """Adds up the time of every statement sent (and answered) and every commit, on the
    default connection, while it is entered: what a request waits for its database."""

    ns = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter_ns()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ns += time.perf_counter_ns() - start

    def __enter__(self):
        self.ns = 0
        self._wrapping = connection.execute_wrapper(self)
        self._wrapping.__enter__()
        commit = self._commit = connection._commit

        def timed_commit():
            start = time.perf_counter_ns()
            try:
                return commit()
            finally:
                self.ns += time.perf_counter_ns() - start

        connection._commit = timed_commit
        return self

    def __exit__(self, *exc):
        connection._commit = self._commit
        return self._wrapping.__exit__(*exc)


def split(scenario: Scenario) -> tuple[float, float]:
    """One request of `scenario` (untimed for its ratio): its time, and the part of it in
    the database."""
    database = DatabaseTime()
    _response, elapsed_ms = send(scenario, around=database)
    return elapsed_ms, database.ns / 1e6


@dataclass
class SizeFit:
    """Bytes of the logged-in baseline as a function of its rows: head + per_row × rows."""

    head: float
    per_row: float

    @classmethod
    def measure(cls, client: Client) -> SizeFit:
        def size(rows: int) -> int:
            response = client.get(reverse("bench_baseline_sized", args=[rows]))
            expect(response, 200, "same-size baseline")
            return len(response.content)

        # Whole cycles of the five rows, so that the average row is the real one.
        small, large = size(REFERENCE_ROWS), size(4 * REFERENCE_ROWS)
        per_row = (large - small) / (3 * REFERENCE_ROWS)
        return cls(head=small - REFERENCE_ROWS * per_row, per_row=per_row)

    def rows_for(self, size: int) -> int:
        return max(1, round((size - self.head) / self.per_row))


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
        "Measure the hot requests of a live session (beamer poll, add tip, meeting PDF) and "
        "every page of the app against a logged-in bare Django view (of the same size, for a "
        "page), on a throwaway test database. Prints a report; never fails on timing."
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
            fit = SizeFit.measure(client)
            setup_s = time.perf_counter() - started
            scenarios = self.measure(scenarios, rounds, client, fit)
            self.report(scenarios, world, rounds, setup_s)

    def measure(
        self, scenarios: list[Scenario], rounds: int, client: Client, fit: SizeFit
    ) -> list[Scenario]:
        """Warm up, give every page its same-size baseline, then the timed rounds.

        The warm-up (untimed) compiles the templates, loads WeasyPrint and its fonts, and
        counts each request's queries and bytes on the way (never while timing: capturing
        slows the cursor). A page's size picks its baseline's rows. Returns every scenario,
        the baselines added.

        On a shared machine the load changes from second to second: every request with a
        target is sent right next to its own sample of its reference in every round (a page
        with its same-size baseline, a poll or a tip with the logged-in bare view, the
        rendered PDF with WeasyPrint alone), in an order that alternates, so that both see the
        same load.
        """
        for scenario in scenarios:
            response, _ms = send(scenario, count_queries=True)
            scenario.size = len(response.content)
        by_key = {s.key: s for s in scenarios}
        baselines = {}
        for s in scenarios:
            if s.section == PAGES:
                baseline = sized_baseline(client, s, fit.rows_for(s.size))
            elif s.section == LIVE and s.reference == BASELINE_LOGGED_IN:
                baseline = sized_baseline(client, s, REFERENCE_ROWS, **HTMX)
            else:
                continue
            response, _ms = send(baseline, count_queries=True)
            baseline.size = len(response.content)
            s.reference = baseline.key
            baselines[s.key] = baseline
        # Units of the rotation: a page with its baseline, the PDF with WeasyPrint alone.
        paired = dict(baselines)
        if "meeting_pdf" in by_key and "weasyprint_only" in by_key:
            paired["meeting_pdf"] = by_key["weasyprint_only"]
        units = [
            [paired[s.key], s] if s.key in paired else [s]
            for s in scenarios
            if s not in paired.values()
        ]
        for n in range(rounds):
            gc.collect()
            shift = n % len(units)
            depth = n * CHUNK_FRAMES // rounds
            for unit in units[shift:] + units[:shift]:
                for scenario in unit if n % 2 == 0 else reversed(unit):
                    _response, ms = send(scenario, depth=depth)
                    scenario.times_ms.append(ms)
        # Where the live requests' time goes, apart from the timed rounds (the wrapper that
        # adds up the statements' time costs a little itself), in the same rotation.
        split_up = [by_key[BASELINE_LOGGED_IN]] + [
            s
            for s in scenarios
            if (s.section == LIVE and s.passes is not None) or s.key.startswith("floor_")
        ]
        for n in range(rounds):
            shift = n % len(split_up)
            for scenario in split_up[shift:] + split_up[:shift]:
                scenario.split_ms.append(split(scenario))
        return scenarios + list(baselines.values())

    def report(self, scenarios: list[Scenario], world: World, rounds: int, setup_s: float) -> None:
        import weasyprint

        out = self.stdout.write
        by_key = {s.key: s for s in scenarios}
        logged_in = by_key[BASELINE_LOGGED_IN]
        out("AKAD casustafel benchmark")
        out(
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"WeasyPrint {weasyprint.__version__} ({font_subsetter()}), "
            f"database: {database_description()}; {rendering()}"
        )
        out(
            f"Data: 1 network (copy of the split preset, {len(world.columns)} columns), a meeting "
            f"with {len(world.cases)} case discussions and {world.tips} tips "
            f"({TIPS_PER_CASE} per case, {world.chosen} chosen with an action), "
            f"{world.follow_ups} follow-ups reported; live case in the tips step on the beamer; "
            f"the first case's review has the client's decisions and {world.reviewed} "
            f"follow-ups. Built in {setup_s:.1f} s."
        )
        out(
            f"Rounds: {rounds} timed (after 1 untimed warm-up), interleaved in a rotating order, "
            f"each from another call depth (0 to {CHUNK_FRAMES} frames deeper: CPython 3.11's "
            "frame-chunk churn, see `deeper`); median per scenario. Client: django.test.Client, "
            "logged in as the facilitator."
        )
        out(
            f"Sizes: beamer content fragment {by_key['poll_shared'].size:,} bytes, "
            f"logged-in baseline {logged_in.size:,} bytes. Machine: {os.cpu_count()} CPUs, load "
            f"average {self.load:.2f} at the start (timings are noisy on a busy machine)."
        )
        header = (
            f"{'scenario':<42}{'median ms':>10}{'min ms':>9}{'ref ms':>9}{'ratio':>8}"
            f"{'queries':>8}{'bytes':>9}  {'target':<22}result"
        )
        # Pages show their baseline's bytes too: it should be about their own.
        page_header = (
            f"{'page':<42}{'median ms':>10}{'min ms':>9}{'ref ms':>9}{'ratio':>8}"
            f"{'queries':>8}{'bytes':>9}{'ref bytes':>10}  {'target':<22}result"
        )
        titles = {
            REFERENCES: "References (timed in the same rounds)",
            LIVE: (
                "Live session: ratio to the bare view behind a login (5 rows), each timed right "
                "next to its request"
            ),
            PDF: "Meeting PDF: ratio to WeasyPrint alone on the same HTML",
            PAGES: (
                "Pages (full): ratio to a bare view behind a login of about the page's size, "
                "each timed right next to its page"
            ),
        }
        results = []
        for section in (REFERENCES, LIVE, PDF, PAGES):
            out("")
            out(titles[section])
            out(page_header if section == PAGES else header)
            out("-" * len(page_header if section == PAGES else header))
            for s in scenarios:
                if s.section != section or s.key.startswith("baseline_for_"):
                    continue
                median = s.median
                reference = by_key[s.reference] if s.reference else None
                ref = reference.median if reference else None
                ratio = median / ref if ref else None
                mark = "-"
                if s.passes is not None:
                    mark = "PASS" if s.passes(median, ratio, s.queries) else "MISS"
                    results.append(mark)
                # Every column after a space, so that a wide number never runs into the next.
                ref_text = f" {ref:>8.2f}" if ref else f"{'':>9}"
                ratio_text = f" {ratio:>6.2f}x" if ratio else f"{'':>8}"
                ref_bytes = f" {reference.size:>9,}" if section == PAGES else ""
                out(
                    f"{s.label:<42} {median:>9.2f} {min(s.times_ms):>8.2f}{ref_text}{ratio_text}"
                    f" {s.queries:>7} {s.size:>8,}{ref_bytes}  {s.target:<22}{mark}"
                )
        report_split(out, scenarios, logged_in)
        out("")
        out(
            "ratio: median over the reference's median, both from the same rounds. The bare "
            "views render devtools/baseline.html (the beamer's placemat shape) without a query; "
            "behind a login they add Django's session and user lookup (2 queries). A page's "
            "reference renders as many placemat rows (about 2 KB each) as make about the page's "
            "bytes; it is sent right before or after its page in every round."
        )
        out(
            f"Targets met: {results.count('PASS')} of {len(results)} "
            "(a report only: timing never fails this command)."
        )


def report_split(out: Callable[[str], None], scenarios: list[Scenario], logged_in: Scenario):
    """What the live requests wait for their database, against the reference's time: a ratio
    target leaves the rest for Django, the forms and the templates."""
    out("")
    out(
        "Live session, in the database: each request's statements and commits (sent and "
        "answered), in another pass of the same rounds"
    )
    header = (
        f"{'scenario':<42}{'whole ms':>10}{'in db ms':>10}{'rest ms':>9}"
        f"{'db/ref':>8}{'rest/ref':>10}"
    )
    out(header)
    out("-" * len(header))
    reference = statistics.median(whole for whole, _db in logged_in.split_ms)
    for s in scenarios:
        if not s.split_ms:
            continue
        whole = statistics.median(w for w, _db in s.split_ms)
        database = statistics.median(db for _w, db in s.split_ms)
        rest = statistics.median(w - db for w, db in s.split_ms)
        out(
            f"{s.label:<42} {whole:>9.2f} {database:>9.2f} {rest:>8.2f}"
            f" {database / reference:>6.2f}x {rest / reference:>8.2f}x"
        )
    out(
        "db/ref and rest/ref: the median time in the database and outside it, over the "
        "reference's median whole time in this pass; a request's ratio is about their sum."
    )


def rendering() -> str:
    """How templates render here: as in production (DEBUG off, cached template loader), for
    the pages' templates and for the form widgets' (the form renderer has its own engine)."""
    from django.forms.renderers import get_default_renderer
    from django.template import engines
    from django.template.loaders.cached import Loader as CachedLoader

    def cached(loader) -> bool:
        # template_partials wraps the cached loader in its own: look through wrappers.
        if isinstance(loader, CachedLoader):
            return True
        inner = getattr(loader, "loaders", None)
        return bool(inner) and all(cached(each) for each in inner)

    form_engine = getattr(get_default_renderer(), "engine", None)
    backends = [*engines.all(), *([form_engine] if form_engine is not None else [])]
    all_cached = all(
        cached(loader) for backend in backends for loader in backend.engine.template_loaders
    )
    loader = "cached template loader" if all_cached else "templates NOT cached (check loaders)"
    return f"DEBUG {'on' if settings.DEBUG else 'off'}, {loader}"
