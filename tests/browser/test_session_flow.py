"""A whole AKAD session in Chromium, as the people in the room would run it.

The facilitator logs in, walks the seven steps, records a follow-up, types the presentation,
marks domains and adds tips in three columns with the keyboard; a second browser context
on the beamer shows each new tip without a reload; the case-bringer chooses tips in the
review; the meeting PDF downloads and holds the pseudonym, the domains and the tips.
axe-core checks the login, console, beamer and review pages on the way.
"""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from networks.models import Role
from sessions.models import CaseDiscussion, Step, Tip
from tests.factories import (
    PASSWORD,
    CaseDiscussionFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    TipFactory,
    mark,
)

from .conftest import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    noord = NetworkFactory(name="Noord")
    facilitator = MembershipFactory(
        network=noord, role=Role.FACILITATOR, user__email="facilitator@noord.example"
    ).user
    bringer = MembershipFactory(
        network=noord, role=Role.MEMBER, user__email="casusinbrenger@noord.example"
    ).user
    OrganisationFactory(network=noord, name="Buurtcentrum De Kolk")
    # Last month's case, with a chosen tip that still awaits its follow-up.
    earlier = CaseDiscussionFactory(
        meeting__network=noord,
        meeting__starts_at=timezone.now() - timedelta(days=28),
        client__pseudonym="Kees",
        case_bringer=bringer,
    )
    mark(earlier, "sociaal-netwerk")
    TipFactory(case=earlier, text="Wandelen met de hond van de buurvrouw", chosen=True)
    today = CaseDiscussionFactory(
        meeting__network=noord, client__pseudonym="Blommetje", case_bringer=bringer, question=""
    )
    return {"case": today, "facilitator": facilitator, "bringer": bringer}


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: {violations}"


def settled(page) -> None:
    """Wait until htmx has swapped and wired the new content, as before a next keystroke."""
    expect(
        page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    ).to_have_count(0)


def next_step(page) -> None:
    page.locator(".step-buttons button.primary").click()
    settled(page)


def current_step(page):
    return page.locator('.stepbar button[aria-current="step"]')


def add_tip(page, text: str, cell: str) -> None:
    page.fill("#tip-form input[name=text]", text)
    page.fill("#cell-code", cell)
    page.press("#cell-code", "Enter")
    expect(page.locator("#panel .placemat")).to_contain_text(text)
    settled(page)


def test_a_whole_session(page, browser, live_server, story):
    case: CaseDiscussion = story["case"]
    base = live_server.url

    csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and csp_violations.append(message.text)
        ),
    )

    # Login page
    page.goto(f"{base}/accounts/login/")
    assert_accessible(page, "login")
    log_in(page, live_server, "facilitator@noord.example", PASSWORD)

    # The console, step by step
    page.goto(base + reverse("casework:console", args=[case.pk]))
    page.get_by_role("button", name="Bespreking starten").click()
    expect(current_step(page)).to_contain_text("1")
    expect(page.locator(".timer")).to_have_text(re.compile(r"\d\d:\d\d"))
    assert_accessible(page, "console: opening")

    # The beamer in a second browser context (a second screen), logged in as the case-bringer
    beamer_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    beamer = beamer_context.new_page()
    log_in(beamer, live_server, "casusinbrenger@noord.example", PASSWORD)
    beamer.goto(base + reverse("casework:beamer", args=[case.meeting_id]))
    expect(beamer.locator(".beamer-head h1")).to_contain_text("Blommetje")

    # 2 Terugblik: last month's tip was tried and did not work
    next_step(page)
    expect(current_step(page)).to_contain_text("2")
    follow_up = page.locator(".follow-up").filter(has_text="Wandelen met de hond")
    follow_up.locator("input[value=yes]").check()
    follow_up.locator("select[name$=result]").select_option("not")
    follow_up.locator("textarea[name$=why]").fill("De wandeling was te vroeg op de dag")
    follow_up.locator("button[type=submit]").click()
    expect(page.locator(".reported-list")).to_contain_text("te vroeg op de dag")

    # 3 Casusinbreng: text autosaves and survives a reload
    next_step(page)
    expect(current_step(page)).to_contain_text("3")
    page.fill("textarea[name=question]", "Hoe komt zij vaker buiten de deur?")
    expect(page.locator(".save-status").last).to_contain_text(re.compile(r"\d\d:\d\d"))
    page.reload()
    expect(page.locator("textarea[name=question]")).to_have_value(
        "Hoe komt zij vaker buiten de deur?"
    )
    expect(beamer.locator(".presentation")).to_contain_text("vaker buiten de deur")

    # 4 Domeinen: mark two domains, one with a goal and levels
    next_step(page)
    expect(current_step(page)).to_contain_text("4")
    finance = page.locator(".domain-row").filter(has_text="Financiën")
    finance.locator("input[type=text]").fill("Rondkomen zonder nieuwe schulden")
    finance.locator("input[type=checkbox]").check()
    finance.locator("select[name$=current_level]").select_option(index=2)  # level 2
    network_row = page.locator(".domain-row").filter(has_text="Sociaal netwerk")
    network_row.locator("input[type=checkbox]").check()
    expect(network_row.locator(".row-status .save-status")).to_be_visible()
    settled(page)
    goals = {g.domain.key: g for g in case.goals.select_related("domain", "current_level")}
    assert set(goals) == {"financien", "sociaal-netwerk"}
    assert goals["financien"].goal == "Rondkomen zonder nieuwe schulden"
    assert goals["financien"].current_level.score == 2

    # 5 Tips: keyboard first (text, cell code, Enter), three columns, the beamer follows
    next_step(page)
    expect(current_step(page)).to_contain_text("5")
    expect(page.locator("#tip-form input[name=text]")).to_be_focused()
    add_tip(page, "Zus belt elke zondag", "2a")
    expect(beamer.locator(".placemat")).to_contain_text("Zus belt elke zondag", timeout=5000)
    add_tip(page, "Koffieochtend in het buurthuis", "2b")
    add_tip(page, "Formulierenbrigade voor de brieven", "1b")
    add_tip(page, "Budgetcoach", "1c")
    expect(beamer.locator(".placemat")).to_contain_text("Budgetcoach", timeout=5000)
    # A double click on the button stores the tip once.
    page.fill("#tip-form input[name=text]", "Maatje via de vrijwilligerscentrale")
    page.fill("#cell-code", "2b")
    page.locator("#tip-form button[type=submit]").dblclick()
    expect(page.locator("#panel .placemat")).to_contain_text("Maatje via de vrijwilligerscentrale")
    settled(page)
    assert Tip.objects.filter(case=case, text="Maatje via de vrijwilligerscentrale").count() == 1
    # Edit a tip and move it to another cell: the placemat is redrawn once, in its place.
    budget = page.locator("#panel .tip").filter(has_text="Budgetcoach")
    budget.get_by_role("button", name="Wijzig").click()
    editing = page.locator("#panel .tip.editing")
    editing.locator("textarea[name=text]").fill("Budgetcoach van het wijkteam")
    editing.locator("select[name=column]").select_option(label="Formele zorg")
    editing.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#panel .placemat")).to_contain_text("Budgetcoach van het wijkteam")
    settled(page)
    expect(page.locator("#panel")).to_have_count(1)
    expect(page.locator("#panel .stepbar")).to_have_count(1)
    moved = Tip.objects.get(case=case, text="Budgetcoach van het wijkteam")
    assert moved.column.name == "Formele zorg"
    assert Tip.objects.filter(case=case).count() == 5
    assert Tip.objects.filter(case=case).values("column").distinct().count() == 3
    assert_accessible(page, "console: tips")
    assert_accessible(beamer, "beamer")

    # 6 Afronding: take one tip to the client with an action
    next_step(page)
    expect(current_step(page)).to_contain_text("6")
    row = page.locator(".choose-row").filter(has_text="Koffieochtend")
    row.locator("input[name$=action_who]").fill("Ilse")
    row.locator("input[name$=action_what]").fill("Gaat mee naar de eerste ochtend")
    row.locator("input[name$=action_when]").fill("woensdag")
    row.locator("input[type=checkbox]").check()
    expect(page.locator(".choose-row.chosen")).to_have_count(1)
    page.locator(".choose-row.chosen button[type=submit]").click()
    expect(page.locator(".choose-row.chosen .save-status")).to_be_visible()

    # 7 Evaluatie
    next_step(page)
    expect(current_step(page)).to_contain_text("7")
    page.select_option("select[name=rating]", "4")
    page.locator(".step-body form button[type=submit]").click()
    expect(page.locator(".step-body .save-status")).to_be_visible()
    case.refresh_from_db()
    assert case.step == Step.EVALUATION and case.rating == 4
    chosen = Tip.objects.get(case=case, chosen=True)
    assert (chosen.action_who, chosen.action_when) == ("Ilse", "woensdag")
    beamer_context.close()

    # The case-bringer reviews the tips afterwards and chooses one more
    review_context = browser.new_context(locale="nl-NL")
    review = review_context.new_page()
    log_in(review, live_server, "casusinbrenger@noord.example", PASSWORD)
    review.goto(base + reverse("casework:review", args=[case.pk]))
    budget = Tip.objects.get(case=case, text="Budgetcoach van het wijkteam")
    card = review.locator(f"#tip-{budget.pk}")
    card.locator("input[type=checkbox]").first.check()
    card.locator("button[type=submit]").first.click()
    expect(review.locator(f"#tip-{budget.pk}.is-chosen")).to_be_visible()
    assert_accessible(review, "review")
    budget.refresh_from_db()
    assert budget.chosen
    review_context.close()

    assert not csp_violations, csp_violations

    # The meeting PDF downloads from the meeting page
    page.goto(base + reverse("casework:meeting_detail", args=[case.meeting_id]))
    with page.expect_download() as download_info:
        page.locator(
            f'a[href="{reverse("reports:meeting_pdf", args=[case.meeting_id])}"]'
        ).first.click()
    pdf = PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    for expected in (
        "Blommetje",
        "Financiën",
        "Sociaal netwerk",
        "Zus belt elke zondag",
        "Budgetcoach",
        "Koffieochtend",
    ):
        assert expected in text, expected
