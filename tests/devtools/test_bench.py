"""Smoke test of `manage.py bench`: one round runs every scenario and reports it."""

import io
import re

import pytest
from django.core.management import call_command

from devtools.management.commands.bench import CASES, TIPS_PER_CASE
from sessions.models import Meeting, Tip

REFERENCES = [
    "bare view, no login, no DB",
    "bare view behind a login (reference)",
    "+ 2 statements (changed poll's floor)",
    "+ 5 in a transaction (add-tip's floor)",
    "WeasyPrint alone, same HTML (PDF/UA)",
]
TARGETS = [
    "beamer poll, unchanged (204)",
    "beamer poll, changed, shared render",
    "add a tip, facilitator (HTMX POST)",
    "add a tip, guest (phone POST)",
    "meeting PDF, rendered (6 cases, 150 tips)",
    "meeting PDF again, unchanged (cached)",
]
CONTEXT = ["beamer poll, changed, first render"]
# Every full page of the app, each with the most queries it may take (whatever its tips);
# a page that shows a client's data appends its access-log row (networks.access.fetch).
PAGES = {
    "home (overview)": 8,
    "meeting list": 8,
    "meeting detail (6 cases)": 8,
    "console, opening": 5,
    "console, terugblik (3 reported)": 7,
    "console, casusinbreng": 5,
    "console, domains (13 domains)": 9,
    "console, tips (25 tips, live case)": 9,
    "console, afronding (25 tips)": 8,
    "console, evaluatie": 6,
    "beamer page (tips step)": 5,
    "case review (25 tips, 5 chosen)": 9,
    "login page (logged out)": 0,
}
NUMBER = r"(\d+\.\d\d)"


def row(report: str, label: str) -> re.Match:
    """median, min, [ref ms, ratio], queries, bytes, target, result of one scenario."""
    line = re.search(
        rf"^{re.escape(label)}\s+{NUMBER}\s+{NUMBER}\s+(?:{NUMBER}\s+{NUMBER}x\s+)?(\d+)\s+"
        r"([\d,]+)\s+(.+?)\s+(PASS|MISS|-)$",
        report,
        re.M,
    )
    assert line, f"no timed line for {label!r} in:\n{report}"
    return line


@pytest.mark.django_db
def test_one_round_reports_every_target_and_page_against_its_reference(monkeypatch):
    """Inside pytest the command uses the test database it is given (rolled back after).

    WeasyPrint is stubbed out: the meeting PDF view still runs its queries and renders its
    HTML, but the seconds of PDF layout belong to tests/test_reports.py, not to this smoke test.
    One run (a few seconds) for all the checks below.
    """
    monkeypatch.setattr(
        "reports.views.render_pdf",
        lambda html, base_url: b"%PDF-1.7 stub " + html[:20].encode(),
    )
    out = io.StringIO()
    call_command("bench", "--rounds", "1", stdout=out)
    report = out.getvalue()

    every_scenario_is_timed_against_its_reference(report)
    the_targets_of_issue_9(report)
    every_page_against_a_bare_view_of_its_size(report)
    the_database_share_of_each_live_request(report)

    # The data it measured: one meeting with 6 cases and 150 tips; added tips were removed,
    # and the done case whose console was shown in each step is back in its last step.
    meeting = Meeting.objects.get(place="Huis van de Wijk De Banne")
    assert meeting.cases.count() == CASES
    assert Tip.objects.filter(case__meeting=meeting).count() == CASES * TIPS_PER_CASE
    steps = sorted(meeting.cases.values_list("step", flat=True))
    assert steps == ["evaluatie"] * (CASES - 1) + ["tips"]


def every_scenario_is_timed_against_its_reference(report: str) -> None:
    for label in REFERENCES + TARGETS + CONTEXT:
        assert float(row(report, label).group(1)) > 0
    for label in TARGETS + CONTEXT:
        if "cached" not in label:
            assert row(report, label).group(4), f"{label} has no ratio"
    assert "Python 3." in report and "Django 5." in report and "database: " in report
    assert "DEBUG off, cached template loader" in report  # rendered as in production
    assert "each from another call depth" in report  # CPython 3.11's frame chunks


def the_targets_of_issue_9(report: str) -> None:
    reference = row(report, "bare view behind a login (reference)")
    assert reference.group(4) == "1.00"
    assert reference.group(5) == "2"  # the session and the user, nothing else
    assert row(report, "bare view, no login, no DB").group(5) == "0"
    # The floors: the login's two queries and the statements (the transaction's BEGIN and
    # COMMIT are counted as well).
    assert row(report, "+ 2 statements (changed poll's floor)").group(5) == "4"
    assert row(report, "+ 5 in a transaction (add-tip's floor)").group(5) == "9"
    unchanged = row(report, "beamer poll, unchanged (204)")
    assert int(unchanged.group(5)) <= 1
    assert unchanged.group(7) == "<= 0.5x, <= 1 query"
    # From the shared render: the version, the login, the meeting and its access-log row;
    # no placemat query.
    shared = row(report, "beamer poll, changed, shared render")
    first = row(report, "beamer poll, changed, first render")
    assert int(shared.group(5)) <= 5 < int(first.group(5))
    assert shared.group(7) == "<= 1.2x"
    assert row(report, "add a tip, facilitator (HTMX POST)").group(7) == "<= 2x"
    pdf = row(report, "meeting PDF, rendered (6 cases, 150 tips)")
    assert pdf.group(7) == "<= 1.1x WeasyPrint"
    assert row(report, "meeting PDF again, unchanged (cached)").group(7) == "<= 50 ms"
    assert row(report, "add a tip, guest (phone POST)").group(7) == "<= 2x"
    targets = len(TARGETS) + len(PAGES)
    assert re.search(rf"^Targets met: \d+ of {targets}", report, re.M)


def the_database_share_of_each_live_request(report: str) -> None:
    """The split: whole time, time in the database, the rest, and both over the reference."""
    section = report.split("Live session, in the database:", 1)[1]
    for label in [
        "bare view behind a login (reference)",
        "+ 2 statements (changed poll's floor)",
        "+ 5 in a transaction (add-tip's floor)",
        *(label for label in TARGETS if "PDF" not in label),
    ]:
        line = re.search(
            rf"^{re.escape(label)}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}x\s+{NUMBER}x$",
            section,
            re.M,
        )
        assert line, f"no database line for {label!r} in:\n{section}"
        whole, database, rest = (float(line.group(n)) for n in (1, 2, 3))
        # Each of them sends statements; their time is part of the whole.
        assert 0 < database < whole, label
        assert rest == pytest.approx(whole - database, abs=0.5), label


def every_page_against_a_bare_view_of_its_size(report: str) -> None:
    for label, most in PAGES.items():
        line = re.search(
            rf"^{re.escape(label)}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}x\s+(\d+)\s+"
            r"([\d,]+)\s+([\d,]+)\s+(<= 8x same size)\s+(PASS|MISS)$",
            report,
            re.M,
        )
        assert line, f"no page line for {label!r} in:\n{report}"
        median, ref_ms = float(line.group(1)), float(line.group(3))
        queries = int(line.group(5))
        size, ref_size = (int(line.group(n).replace(",", "")) for n in (6, 7))
        assert median > 0 and ref_ms > 0
        assert queries <= most, f"{label}: {queries} queries"
        # Its reference: the bare view with about the page's bytes (rows of about 2 KB).
        assert abs(ref_size - size) <= max(2100, size // 10), f"{label}: {size} vs {ref_size}"


def test_templates_render_as_in_production_not_instrumented():
    """Inside pytest the test environment instruments Template._render; the bench undoes it."""
    from django.template import Template
    from django.test.utils import instrumented_test_render

    from devtools.management.commands.bench import production_render

    assert Template._render is instrumented_test_render  # pytest-django set up the test env
    assert production_render() is not instrumented_test_render


def test_rounds_must_be_positive():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("bench", "--rounds", "0", stdout=io.StringIO())
