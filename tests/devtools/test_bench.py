"""Smoke test of `manage.py bench`: one round runs every scenario and reports it."""

import io
import re

import pytest
from django.core.management import call_command

from devtools.management.commands.bench import CASES, TIPS_PER_CASE
from sessions.models import Meeting, Tip

SCENARIOS = [
    "baseline (bare view, no DB)",
    "baseline logged in (session + user)",
    "beamer poll, unchanged (204)",
    "beamer poll, changed (fragment)",
    "add a tip (HTMX POST)",
    "console page (full, tips step)",
    "meeting PDF (6 cases, 150 tips), rendered",
    "meeting PDF again, unchanged (cached)",
    "same HTML, WeasyPrint alone (PDF/UA)",
]


@pytest.mark.django_db
def test_one_round_reports_every_scenario_with_a_ratio(monkeypatch):
    """Inside pytest the command uses the test database it is given (rolled back after).

    WeasyPrint is stubbed out: the meeting PDF view still runs its queries and renders its
    HTML, but the seconds of PDF layout belong to tests/test_reports.py, not to this smoke test.
    """
    monkeypatch.setattr(
        "reports.views.render_pdf",
        lambda html, base_url: b"%PDF-1.7 stub " + html[:20].encode(),
    )
    out = io.StringIO()
    call_command("bench", "--rounds", "1", stdout=out)
    report = out.getvalue()

    for label in SCENARIOS:
        line = re.search(
            rf"^{re.escape(label)}\s+(\d+\.\d\d)\s+\S+\s+(\d+\.\d\d)x\s+(\d+)", report, re.M
        )
        assert line, f"no timed line for {label!r} in:\n{report}"
        assert float(line.group(1)) > 0
    baseline = re.search(r"^baseline .*?\s(\d+\.\d\d)x\s+(\d+)\s", report, re.M)
    assert baseline.groups() == ("1.00", "0")  # the reference itself, without queries
    logged_in = re.search(r"^baseline logged in .*?\s(\d+\.\d\d)x\s+(\d+)\s", report, re.M)
    assert logged_in.group(2) == "2"  # the session and the user, nothing else
    unchanged = re.search(r"^beamer poll, unchanged .*?x\s+(\d+)\s", report, re.M)
    assert int(unchanged.group(1)) <= 1
    assert re.search(r"^Targets met: \d of 5", report, re.M)
    assert "Python 3." in report and "Django 5." in report and "database: " in report

    # The data it measured: one meeting with 6 cases and 150 tips; added tips were removed.
    meeting = Meeting.objects.get(place="Huis van de Wijk De Banne")
    assert meeting.cases.count() == CASES
    assert Tip.objects.filter(case__meeting=meeting).count() == CASES * TIPS_PER_CASE


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
