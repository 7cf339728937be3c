"""`manage.py load [--phones 40] [--tips 50] [--city-seconds 60]`: the room and the city.

Two bounded runs against gunicorn on 127.0.0.1, on a throwaway test database (SQLite file in
WAL mode, or `test_<name>` on PostgreSQL; never your own), filled through the services:

1. **The room.** `--phones` phones join one meeting with its code and each sends `--tips`
   tips (one in ten sent twice with the same key, as a retry after a lost answer would),
   within the rate limit of 20 a minute, while every phone and a beamer poll every second.
   It reports the tips stored (phones × tips, exactly), duplicates (0), 5xx answers (0), the
   median and 95th percentile of add-tip and poll, and the delay from a tip's send to its
   first appearance in a beamer poll.
2. **The city.** `--meetings` meetings at once, each with a beamer and `--city-phones`
   phones polling every second and a tip every few seconds, for `--city-seconds`. It reports
   the polls per second held against those asked for, the 95th percentile poll, errors and
   the CPU the app processes used.

The clients are one asyncio process (new connection per request: gunicorn's sync workers
close each one). Every loop is bounded in count and time and stops by itself.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

PASSWORD = "load-run password, loopback only"
TIPS_PER_MINUTE = 20  # the phones' rate limit (sessions.services.guests)


# A small HTTP/1.1 client: one request per connection, cookies kept per client ------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float


class HttpClient:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    async def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ) -> Answer:
        body = urllib.parse.urlencode(data or {}).encode() if method == "POST" else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Connection: close"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"X-CSRFToken: {self.cookies.get('csrftoken', '')}",
                f"Referer: http://127.0.0.1:{self.port}{path}",
            ]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        started = time.perf_counter()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
        seconds = time.perf_counter() - started
        head, _sep, content = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        answer_headers: dict[str, str] = {}
        for line in header_lines:
            name, _colon, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie, _semi, _rest = value.partition(";")
                key, _eq, cookie_value = cookie.partition("=")
                self.cookies[key] = cookie_value
            answer_headers[name] = value
        return Answer(int(status_line.split()[1]), answer_headers, content.decode(), seconds)


def poll_path(html: str) -> str:
    match = re.search(r'(?:data-)?hx-get="([^"]*/poll/[^"]*)"', html)
    if match is None:
        raise RuntimeError("no poll address on the page")
    return match.group(1).replace("&amp;", "&")


def next_poll(answer: Answer, current: str) -> str:
    """A changed poll answers with the next poll address (its version and pass)."""
    if answer.status == 200:
        try:
            return poll_path(answer.body)
        except RuntimeError:
            return current
    return current


# Measurements -----------------------------------------------------------------------------


@dataclass
class Tally:
    add_tip: list[float] = field(default_factory=list)
    poll_times: list[tuple[float, float]] = field(default_factory=list)  # (sent, seconds)
    delays: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    sent_at: dict[str, float] = field(default_factory=dict)
    seen_at: dict[str, float] = field(default_factory=dict)
    client_cpu: float = 0.0  # CPU seconds of this (the load generator's) process

    @property
    def polls(self) -> list[float]:
        return [took for _sent, took in self.poll_times]

    def p95_per(self, seconds: float) -> list[str]:
        """The polls' p95 in each `seconds` of the window: whether it held all along."""
        if not self.poll_times:
            return []
        first = min(sent for sent, _took in self.poll_times)
        spans: dict[int, list[float]] = {}
        for sent, took in self.poll_times:
            spans.setdefault(int((sent - first) // seconds), []).append(took)
        return [ms(spans[n], 0.95).removesuffix(" ms") for n in sorted(spans)]

    def count(self, answer: Answer) -> None:
        self.statuses[answer.status] = self.statuses.get(answer.status, 0) + 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def ms(values: list[float], q: float) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    return f"{1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.1f} ms"


def median_ms(values: list[float]) -> str:
    return f"{1000 * statistics.median(values):.1f} ms" if values else "–"


# The app processes ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def process_cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


class Gunicorn:
    def __init__(self, workers: int):
        self.port = free_port()
        self.workers = workers

    def __enter__(self) -> Gunicorn:
        # As in production: DEBUG off (Django's debug cursor and template origins cost time on
        # every request), so the static files' manifest must exist: collected into a folder
        # of this run's own.
        self.static_root = tempfile.TemporaryDirectory(prefix="akad-load-static-")
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "SECRET_KEY": "load-run-" + uuid.uuid4().hex * 2,
            "DJANGO_SETTINGS_MODULE": "akad.settings",
            "DEBUG": "",
            "STATIC_ROOT": self.static_root.name,
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [
                gunicorn,
                "akad.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    self.process.kill()
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)

    def pids(self) -> list[int]:
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [master, *map(int, children)]

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        self.static_root.cleanup()


# The world ---------------------------------------------------------------------------------


@dataclass
class Room:
    meeting_id: int
    case_id: int
    code: str
    beamer_user: str


def build_rooms(count: int) -> list[Room]:
    """`count` networks, each with a meeting whose case is live in the tips step."""
    from django.utils import timezone

    from devtools import builder
    from networks.models import Role
    from sessions.models import Step
    from sessions.services import planning

    rooms = []
    for n in range(count):
        network = builder.network(name=f"Load {n + 1}", preset_key="akad-split")
        lead = builder.member(
            network,
            email=f"lead{n}@load.invalid",
            name=f"Leider {n}",
            role=Role.FACILITATOR,
            password=PASSWORD,
        )
        meeting = planning.create_meeting(
            network=network, starts_at=timezone.now(), facilitator=lead
        )
        case = planning.add_case_discussion(
            meeting=meeting, case_bringer=lead, pseudonym=f"Belasting {n + 1}"
        )
        goals = [
            builder.GoalPlan(domain=key) for key in ("financien", "sociaal-netwerk", "huisvesting")
        ]
        builder.play(case, goals=goals, tip_plans=[], until=Step.TIPS)
        rooms.append(Room(meeting.pk, case.pk, meeting.join_code, lead.email))
    return rooms


# The clients ---------------------------------------------------------------------------------


async def log_in(port: int, email: str) -> HttpClient:
    client = HttpClient(port)
    await client.request("GET", "/accounts/login/")
    answer = await client.request(
        "POST", "/accounts/login/", {"username": email, "password": PASSWORD}
    )
    if answer.status != 302:
        raise RuntimeError(f"login as {email} gave {answer.status}")
    return client


async def join(port: int, room: Room, name: str) -> tuple[HttpClient, dict]:
    client = HttpClient(port)
    code = room.code.replace("-", "")
    await client.request("GET", f"/j/{code}")
    answer = await client.request(
        "POST", f"/j/{code}", {"display_name": name, "organisation_name": "Buurthuis"}
    )
    if answer.status != 302:
        raise RuntimeError(f"joining gave {answer.status}: {answer.body[:200]}")
    page = await client.request("GET", f"/meetings/{room.meeting_id}/phone/")
    domains = re.findall(r'<select id="phone-domain"[^>]*>(.*?)</select>', page.body, re.S)
    columns = re.findall(r'<select id="phone-column"[^>]*>(.*?)</select>', page.body, re.S)
    form = {
        "case": str(room.case_id),
        "domains": re.findall(r'value="(\d+)"', domains[0]) if domains else [],
        "columns": re.findall(r'value="(\d+)"', columns[0]) if columns else [],
        "poll": poll_path(page.body),
    }
    if not form["domains"] or not form["columns"]:
        raise RuntimeError("the phone page offers no cell")
    return client, form


async def send_tip(client: HttpClient, room: Room, form: dict, text: str, key: str, tally: Tally):
    data = {
        "key": key,
        "case": form["case"],
        "domain": random.choice(form["domains"]),
        "column": random.choice(form["columns"]),
        "text": text,
    }
    answer = await client.request(
        "POST", f"/meetings/{room.meeting_id}/phone/tips/", data, {"X-Akad-Phone": "1"}
    )
    tally.count(answer)
    tally.add_tip.append(answer.seconds)
    return answer


async def poller(client: HttpClient, path: str, until: float, tally: Tally, *, watch: bool = False):
    """Poll every second until `until`; a beamer (`watch`) notes when each tip first shows.

    Each screen starts at its own moment in the first second, as screens opened one after
    another do: pollers started in step would send every screen's poll in the same
    millisecond, a burst of hundreds that no room or city makes."""
    await asyncio.sleep(random.uniform(0, 1))
    while time.monotonic() < until:
        started = time.monotonic()
        answer = await client.request("GET", path, headers={"HX-Request": "true"})
        tally.count(answer)
        tally.poll_times.append((started, answer.seconds))
        if watch and answer.status == 200:
            now = time.perf_counter()
            for text in re.findall(r"load-[0-9]+-[0-9]+", answer.body):
                if text not in tally.seen_at:
                    tally.seen_at[text] = now
        path = next_poll(answer, path)
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


async def phone_sends(client, room, form, phone: int, tips: int, tally: Tally, *, interval: float):
    for n in range(tips):
        text = f"load-{phone}-{n}"
        key = str(uuid.uuid4())
        tally.sent_at[text] = time.perf_counter()
        answer = await send_tip(client, room, form, text, key, tally)
        while answer.status == 429:  # over the rate limit: wait as told, send the same again
            await asyncio.sleep(float(answer.headers.get("retry-after", "2")))
            answer = await send_tip(client, room, form, text, key, tally)
        if random.random() < 0.1:  # a retry of an answered tip: the same key, stored once
            await send_tip(client, room, form, text, key, tally)
        await asyncio.sleep(interval * random.uniform(0.9, 1.1))


async def the_room(port: int, room: Room, phones: int, tips: int) -> Tally:
    tally = Tally()
    beamer = await log_in(port, room.beamer_user)
    page = await beamer.request("GET", f"/meetings/{room.meeting_id}/beamer/")
    beamer_poll = poll_path(page.body)
    joined = [await join(port, room, f"Deelnemer {n + 1}") for n in range(phones)]
    interval = 60 / TIPS_PER_MINUTE * 1.05
    until = time.monotonic() + tips * interval * 1.5 + 30  # a bound, never reached in a good run
    senders = [
        asyncio.create_task(phone_sends(c, room, f, n, tips, tally, interval=interval))
        for n, (c, f) in enumerate(joined)
    ]
    watchers = [asyncio.create_task(poller(beamer, beamer_poll, until, tally, watch=True))]
    watchers += [asyncio.create_task(poller(c, f["poll"], until, tally)) for c, f in joined]
    await asyncio.wait_for(asyncio.gather(*senders), timeout=until - time.monotonic())
    # Let the beamer see the last tips, then stop every poller.
    stop = time.monotonic() + 3
    while time.monotonic() < stop and len(tally.seen_at) < len(tally.sent_at):
        await asyncio.sleep(0.2)
    for task in watchers:
        task.cancel()
    await asyncio.gather(*watchers, return_exceptions=True)
    tally.delays = [
        tally.seen_at[t] - tally.sent_at[t] for t in tally.sent_at if t in tally.seen_at
    ]
    return tally


async def the_city(
    port: int, rooms: list[Room], phones: int, seconds: float, pids
) -> tuple[Tally, float, float]:
    """Everyone joins first; then `seconds` of polling and tips. Returns the tally, the
    length of the polling window and the CPU seconds the app used in it."""
    tally = Tally()
    screens = []
    caught_up: dict[int, str] = {}  # each screen's poll address after its catch-up poll
    for index, room in enumerate(rooms):
        beamer = await log_in(port, room.beamer_user)
        page = await beamer.request("GET", f"/meetings/{room.meeting_id}/beamer/")
        joined = [await join(port, room, f"Stad {index}-{n}") for n in range(phones)]
        screens.append((room, index, (beamer, poll_path(page.body)), joined))
    # Each join raised its meeting's room version, so every screen but the last to join holds
    # an older one. In a real room a screen redraws as each next person joins, spread over the
    # minutes of arriving; here they all joined before the window. One untimed poll each first,
    # so that the window measures the city as it runs, not 350 catch-up renders in its first
    # second.
    for _room, _index, (beamer, path), joined in screens:
        for client, poll in [(beamer, path), *((c, f["poll"]) for c, f in joined)]:
            answer = await client.request("GET", poll, headers={"HX-Request": "true"})
            if answer.status >= 500:
                raise RuntimeError(f"catch-up poll: {answer.status}")
            caught_up[id(client)] = next_poll(answer, poll)
    cpu_before = process_cpu_seconds(pids())
    client_cpu_before = time.process_time()
    started = time.monotonic()
    until = started + seconds

    async def tips_every_few_seconds(joined, room, index):
        # Each room's first tip at its own moment too, not all 22 in the first millisecond.
        await asyncio.sleep(random.uniform(0, 5))
        n = 0
        while time.monotonic() < until:
            client, form = random.choice(joined)
            await send_tip(client, room, form, f"stad-{index}-{n}", str(uuid.uuid4()), tally)
            n += 1
            await asyncio.sleep(random.uniform(2, 5))

    tasks = []
    for room, index, (beamer, _path), joined in screens:
        for client in [beamer, *(c for c, _form in joined)]:
            tasks.append(asyncio.create_task(poller(client, caught_up[id(client)], until, tally)))
        tasks.append(asyncio.create_task(tips_every_few_seconds(joined, room, index)))
    await asyncio.gather(*tasks, return_exceptions=True)
    tally.client_cpu = time.process_time() - client_cpu_before
    return tally, time.monotonic() - started, process_cpu_seconds(pids()) - cpu_before


# The command ------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Load runs on loopback: one room of phones, then a city of meetings (bounded)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--phones", type=int, default=40)
        parser.add_argument("--tips", type=int, default=50)
        parser.add_argument("--meetings", type=int, default=22)
        parser.add_argument("--city-phones", type=int, default=15)
        parser.add_argument("--city-seconds", type=float, default=60.0)
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
        parser.add_argument("--only", choices=["room", "city"], help="one of the two runs")

    def handle(self, *args, **options) -> None:
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            self.run(**options)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
            teardown_test_environment()

    def say(self, label: str, value: str) -> None:
        self.stdout.write(f"  {label:<20}{value}")

    def run(self, *, phones, tips, meetings, city_phones, city_seconds, workers, **options):
        from sessions.models import Tip

        call_command("check", verbosity=0)
        rooms = build_rooms(1 + meetings)
        room, city = rooms[0], rooms[1:]
        vendor = connection.vendor
        self.stdout.write(
            f"Load run on {vendor} ({database_url().split('@')[-1]}), gunicorn with {workers} "
            f"sync workers on 127.0.0.1, {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.2f} at the start."
        )
        with Gunicorn(workers) as server:
            if options.get("only") != "city":
                started = time.monotonic()
                tally = asyncio.run(the_room(server.port, room, phones, tips))
                took = time.monotonic() - started
                stored = Tip.objects.filter(case_id=room.case_id)
                texts = list(stored.values_list("text", flat=True))
                duplicates = len(texts) - len(set(texts))
                self.stdout.write("")
                self.stdout.write(
                    f"The room: {phones} phones × {tips} tips, a beamer, {took:.0f} s"
                )
                self.say("tips stored", f"{len(texts)} (expected {phones * tips})")
                self.say("duplicates", str(duplicates))
                self.say("5xx answers", str(tally.server_errors))
                self.say("answers", str(dict(sorted(tally.statuses.items()))))
                self.say(
                    "add-tip", f"median {median_ms(tally.add_tip)}, p95 {ms(tally.add_tip, 0.95)}"
                )
                self.say("poll", f"median {median_ms(tally.polls)}, p95 {ms(tally.polls, 0.95)}")
                self.say(
                    "send → on beamer",
                    f"median {median_ms(tally.delays)}, p95 {ms(tally.delays, 0.95)} (target ≤ 600 "
                    f"ms, ≤ 1200 ms); {len(tally.delays)} of {len(tally.sent_at)} seen",
                )

            if options.get("only") != "room":
                tally, took, cpu = asyncio.run(
                    the_city(server.port, city, city_phones, city_seconds, server.pids)
                )
                asked = len(city) * (1 + city_phones)
                self.stdout.write("")
                self.stdout.write(
                    f"The city: {len(city)} meetings × (a beamer + {city_phones} phones) polling "
                    f"every second, a tip every 2–5 s per meeting, {took:.0f} s"
                )
                # Every poll starts within the polling window (`city_seconds`); `took` also holds
                # the last tips' pauses after it.
                held = len(tally.polls) / city_seconds
                self.say("polls per second", f"{held:.0f} of {asked} asked")
                self.say(
                    "poll",
                    f"median {median_ms(tally.polls)}, p95 {ms(tally.polls, 0.95)} "
                    "(target ≤ 50 ms)",
                )
                self.say("poll p95 per 10 s", " / ".join(tally.p95_per(10)) + " ms")
                self.say("tips sent", f"{len(tally.add_tip)}, p95 {ms(tally.add_tip, 0.95)}")
                errors = sum(n for status, n in tally.statuses.items() if status >= 400)
                self.say("errors", f"{errors} ({dict(sorted(tally.statuses.items()))})")
                self.say(
                    "CPU of the app",
                    f"{cpu:.0f} s in {took:.0f} s = {100 * cpu / took:.0f}% of one core "
                    f"({os.cpu_count()} cores)",
                )
                self.say(
                    "CPU of the client",
                    f"{tally.client_cpu:.0f} s = {100 * tally.client_cpu / took:.0f}% of one core "
                    "(the load generator, on the same cores)",
                )
