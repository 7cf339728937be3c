"""Every page passes the W3C Nu HTML checker (vnu.jar from the `vnu-jar` npm package).

The pages the browser tests visit, as each role sees them: login, overview, meetings, a
meeting, planning forms, the console in every step, the beamer, the review, the access log,
the erasure page, and the pages of two-factor sign-in (set-up links, the coordinator's page).
They are rendered with the test client and checked in one run of the checker (Java starts
once).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sessions.models import Step
from sessions.services.follow_up import record_outcome
from sessions.services.live import go_to_step
from sessions.services.tips import choose_tip
from tests.clients import english_client
from tests.factories import CaseDiscussionFactory, MeetingFactory, TipFactory, mark

VNU = Path(settings.BASE_DIR, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")


def check(pages: dict[str, str], tmp_path: Path) -> list[str]:
    """The checker's errors, as 'page: line: message'."""
    assert VNU.exists(), "run `npm ci` (make test does) to install vnu-jar"
    assert shutil.which("java"), "the checker needs Java (make test installs it)"
    files = {}
    for name, html in pages.items():
        file = tmp_path / f"{name}.html"
        file.write_text(html, encoding="utf-8")
        files[str(file)] = name
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return sorted(
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:"
        f"{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    )


@pytest.fixture
def pages(case, facilitator, coordinator, case_bringer, noord):
    earlier = CaseDiscussionFactory(
        meeting=MeetingFactory(
            network=noord, starts_at=case.meeting.starts_at - timedelta(days=28)
        ),
        case_bringer=case_bringer,
    )
    mark(earlier, "financien")
    awaiting = TipFactory(case=earlier, chosen=True, text="Formulierenbrigade")
    reported = TipFactory(case=earlier, chosen=True, text="Koffieochtend")
    record_outcome(tip=reported, tried=True, result="worked", reported_in=case.meeting)
    tip = TipFactory(case=case, text="Wandelen met de hond")
    choose_tip(tip=tip, chosen=True, action_who="Sanne")
    TipFactory(case=case, text="Buurthuis op dinsdag")
    assert awaiting.pk

    lead, coordinating, bringer = (
        english_client(facilitator),
        english_client(coordinator),
        english_client(case_bringer),
    )
    html = {"login": Client().get(reverse("accounts:login")).content.decode()}

    def get(name, client, url):
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        html[name] = response.content.decode()

    get("home", coordinating, reverse("casework:home"))
    get("meetings", lead, reverse("casework:meeting_list"))
    get("meeting", coordinating, reverse("casework:meeting_detail", args=[case.meeting_id]))
    get("plan-meeting", lead, reverse("casework:meeting_create"))
    get("add-case", lead, reverse("casework:case_create", args=[case.meeting_id]))
    get("password", lead, reverse("accounts:password_change"))
    get("access-log", coordinating, reverse("accounts:access_log", args=[noord.pk]))
    get("erase", coordinating, reverse("casework:client_erase", args=[case.client_id]))
    for step in Step:
        go_to_step(case=case, step=step)
        get(f"console-{step.value}", lead, reverse("casework:console", args=[case.pk]))
        get(f"beamer-{step.value}", bringer, reverse("casework:beamer", args=[case.meeting_id]))
    get("review", bringer, reverse("casework:review", args=[case.pk]))
    get("review-member", lead, reverse("casework:review", args=[case.pk]))

    # The people in the room: joining, their phone in every step, editing a tip; the
    # facilitator's attendance page; what a guest gets outside their pages.
    from tests.guests import code_path, join_as, phone_tip

    get("join", Client(), reverse("casework:join"))
    get("join-code", Client(), code_path(case.meeting))
    get("attendance", lead, reverse("casework:attendance", args=[case.meeting_id]))
    phone = join_as(case.meeting, "Anna")
    for step in Step:
        go_to_step(case=case, step=step)
        get(f"phone-{step.value}", phone, reverse("casework:phone", args=[case.meeting_id]))
        if step == Step.TIPS:
            assert phone_tip(phone, case, "Vanaf de telefoon").status_code == 200
            own = case.tips.get(text="Vanaf de telefoon")
            get("phone-tip", phone, reverse("casework:phone_tip", args=[own.pk]))
    html["not-for-guests"] = phone.get(reverse("casework:home")).content.decode()

    # Two-factor sign-in: the set-up from the account page, the page for a password without
    # the app it needs, a set-up link's pages, a refused link, the coordinator's page.
    from networks import setup_links
    from networks.models import Role
    from tests.factories import PASSWORD, MembershipFactory

    get("two-factor-setup", english_client(case_bringer), reverse("accounts:two_factor_setup"))
    newcomer = MembershipFactory(network=noord, role=Role.COORDINATOR).user
    refused = Client().post(
        reverse("accounts:login"), {"username": newcomer.email, "password": PASSWORD}
    )
    assert refused.status_code == 403
    html["needs-setup-link"] = refused.content.decode()
    browser = Client()
    assert browser.get(setup_links.create_link(user=newcomer).path).status_code == 302
    get("setup-with-link", browser, reverse("accounts:setup_with_link"))
    wrong = browser.post(reverse("accounts:setup_with_link"), {"password": "x", "code": "1"})
    html["setup-with-link-errors"] = wrong.content.decode()
    newcomer.set_unusable_password()
    newcomer.save()
    get("setup-new-password", browser, reverse("accounts:setup_with_link"))
    html["setup-link-refused"] = Client().get("/accounts/setup/not-a-token/").content.decode()
    coordinating.post(
        reverse("accounts:make_setup_link", args=[noord.pk]), {"member": facilitator.pk}
    )
    get("sign-in-of-members", coordinating, reverse("accounts:sign_in_of_members", args=[noord.pk]))
    html["not-joined"] = (
        Client().get(reverse("casework:phone", args=[case.meeting_id])).content.decode()
    )
    return html


def test_every_page_passes_the_nu_html_checker(pages, tmp_path):
    errors = check(pages, tmp_path)
    assert errors == [], "\n".join(errors[:200])


def test_the_checker_finds_errors(tmp_path):
    """The check above would see an invalid page (a form with a table role, an hx- attribute)."""
    broken = (
        '<!doctype html><html lang="nl"><head><title>x</title></head><body>'
        '<form role="row" hx-post="/x/"><select required><option value="1">a</option></select>'
        "</form></body></html>"
    )
    errors = check({"broken": broken}, tmp_path)
    assert any("hx-post" in error for error in errors)
    assert any("role" in error for error in errors)
