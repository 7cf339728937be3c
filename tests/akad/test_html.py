"""Every page passes the W3C Nu HTML checker (vnu.jar from the `vnu-jar` npm package).

The browser tests check every page and fragment Chromium loads in them (`loaded_pages` in
tests/browser/conftest.py). This test adds what they do not reach, and every page as each
role sees it in every step, rendered with the test client: login, overview, meetings, a
meeting, planning forms, the password form, the access log, the erasure page, the console,
beamer and phone in every step, the review, a guest's tip, the pages of two-factor sign-in
(set-up links, the coordinator's page), the pages that refuse (a guest outside their pages,
a phone that did not join, a missing page, a failed CSRF check). They go to the one checker
the test run starts (`nu_checker`, tests/html_checker.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Step
from sessions.services.follow_up import record_outcome
from sessions.services.live import go_to_step
from sessions.services.tips import choose_tip
from tests.clients import english_client
from tests.factories import CaseDiscussionFactory, MeetingFactory, TipFactory, mark


def check(pages: dict[str, str], checker) -> list[str]:
    """The checker's errors, as 'page: line N: message'."""
    return sorted(
        f"{name}: {error}" for name, html in pages.items() for error in checker.errors(html)
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
    missing = lead.get("/no-such-page/")
    assert missing.status_code == 404
    html["404"] = missing.content.decode()
    no_token = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x"})
    assert no_token.status_code == 403
    html["csrf-failure"] = no_token.content.decode()
    return html


def test_every_page_passes_the_nu_html_checker(pages, nu_checker):
    errors = check(pages, nu_checker)
    assert errors == [], "\n".join(errors[:200])


def test_the_checker_finds_errors(nu_checker):
    """The check above would see an invalid page (a form with a table role, an hx- attribute)
    and an invalid fragment (checked inside the list its <li> goes into)."""
    broken = (
        '<!doctype html><html lang="nl"><head><title>x</title></head><body>'
        '<form role="row" hx-post="/x/"><select required><option value="1">a</option></select>'
        "</form></body></html>"
    )
    errors = check({"broken": broken}, nu_checker)
    assert any("hx-post" in error for error in errors)
    assert any("role" in error for error in errors)

    assert nu_checker.html_errors('<li class="tip">a</li>\n<li>b</li>') == []
    [error] = nu_checker.html_errors('<li class="tip">a</li>\n<li><span role="cell">b</span></li>')
    assert error.line == 2 and "“role=cell” must be contained in" in error.message
    assert nu_checker.html_errors("<div>\n<li>b</li></div>")[0].line == 2
