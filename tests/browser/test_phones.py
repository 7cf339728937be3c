"""The room gives tips from their phones, in Chromium: a beamer and three phones (360 × 740).

They join with the code (typed, typed sloppily, and as the QR code opens it), each sends tips,
and the beamer shows them without a reload. A double tap stores one tip; a tip typed while the
phone is offline is kept on it and arrives once when the connection returns; a lost answer
is sent again and stored once. A guest cannot open the case review, another meeting or a PDF.
Held tips appear only after "tonen"; a closed meeting's code is refused with a message.
axe-core checks the join page and the phone page.

Set AKAD_SCREENSHOTS=<folder> to keep screenshots of the join page, the phone and the console.
"""

from __future__ import annotations

import os
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from matrices.models import Column
from sessions.models import Guest, Step, Tip
from sessions.services.live import go_to_step
from tests.factories import (
    PASSWORD,
    CaseDiscussionFactory,
    MeetingFactory,
    OrganisationFactory,
    mark,
)

from .conftest import axe_violations, log_in, noord_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
SHOTS = os.environ.get("AKAD_SCREENSHOTS")


def snap(page, name: str, **kwargs) -> None:
    if SHOTS:
        # caret="initial": Playwright hides the caret with an inline style otherwise, which
        # the page's CSP blocks and the CSP check would count against the app.
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), caret="initial", **kwargs)


@pytest.fixture
def room():
    case = noord_case("financien", "sociaal-netwerk", question="Hoe komt zij vaker buiten de deur?")
    noord = case.meeting.network
    columns = list(Column.objects.filter(matrix=noord.matrix).order_by("order"))
    for name, column in [
        ("Buurtcentrum De Kolk", columns[1]),
        ("Formulierenbrigade", columns[1]),
        ("MEE", columns[-1]),
        ("Wijkverpleging Noord", columns[-1]),
    ]:
        OrganisationFactory(network=noord, name=name, usual_column=column)
    return case


def phone_context(browser):
    return browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: {violations}"


def assert_fits_the_phone(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what}: {width} px wide on a {PHONE['width']} px phone"


def join(page, live_server, case, name: str, *, how: str, organisation: str = "", typed: str = ""):
    code = case.meeting.join_code
    if how == "qr":  # the camera opens the address in the QR code
        page.goto(f"{live_server.url}/j/{code.replace('-', '')}")
    else:
        page.goto(f"{live_server.url}/j/")
        page.fill("input[name=code]", code if how == "typed" else code.lower().replace("-", " "))
        page.locator(".phone-send").click()
    expect(page.locator(".join-meeting")).to_contain_text("Noord")
    page.fill("input[name=display_name]", name)
    if organisation:
        page.select_option("select[name=organisation]", label=organisation)
    if typed:
        page.fill("input[name=organisation_name]", typed)
    page.locator(".phone-send").click()
    page.wait_for_url(re.compile(r"/phone/$"))
    expect(page.locator("#phone-room h1")).to_contain_text("Blommetje")


def send_tip(page, text: str) -> None:
    page.fill("#phone-text", text)
    page.locator("#phone-form .phone-send").click()


def test_three_phones_and_a_beamer(browser, page, live_server, room):
    go_to_step(case=room, step=Step.TIPS)
    meeting = room.meeting

    # The beamer, in the facilitator's browser.
    log_in(page, live_server, "facilitator@noord.example", PASSWORD)
    page.goto(live_server.url + reverse("casework:beamer", args=[meeting.pk]))
    expect(page.locator(".join-box .join-code")).to_have_text(meeting.join_code)
    expect(page.locator(".join-box svg.qr")).to_be_visible()

    phones = [phone_context(browser) for _ in range(3)]
    anna, piet, wil = (context.new_page() for context in phones)
    anna.goto(f"{live_server.url}/j/")
    snap(anna, "join-code")
    assert_accessible(anna, "join page")
    join(anna, live_server, room, "Anna", how="typed", organisation="Buurtcentrum De Kolk")
    join(piet, live_server, room, "Piet", how="sloppy", organisation="MEE")
    wil.goto(f"{live_server.url}/j/{meeting.join_code.replace('-', '')}")
    snap(wil, "join-name")
    join(wil, live_server, room, "Wil", how="qr", typed="Groen Dichtbij")
    assert Guest.objects.filter(meeting=meeting).count() == 3

    # The phone page: the case, its question, the marked domains; the spotlight preselected.
    expect(anna.locator("#phone-room")).to_contain_text("Hoe komt zij vaker buiten de deur?")
    expect(anna.locator("#phone-domain option")).to_have_text(["1 Financiën", "2 Sociaal netwerk"])
    spotlight = str(room.meeting.network.matrix.columns.order_by("order").first().pk)
    expect(anna.locator("#phone-column")).to_have_value(spotlight)
    assert_accessible(anna, "phone page")
    assert_fits_the_phone(anna, "phone page")

    # Each sends a tip: on the beamer without a reload, and in their own list as sent.
    for phone, text in [
        (anna, "Koffieochtend in De Kolk"),
        (piet, "Maatje via MEE"),
        (wil, "Samen in de moestuin"),
    ]:
        send_tip(phone, text)
        expect(phone.locator("#my-tips")).to_contain_text(text)
        expect(phone.locator("#my-tips .state-shown").first).to_be_visible()
        expect(phone.locator("#phone-text")).to_have_value("")
    for text in ("Koffieochtend in De Kolk", "Maatje via MEE", "Samen in de moestuin"):
        expect(page.locator("#beamer")).to_contain_text(text)
    expect(page.locator("#beamer")).to_contain_text("Wil, Groen Dichtbij")
    snap(page, "beamer-tips")
    snap(anna, "phone-tips", full_page=True)
    assert_accessible(anna, "phone page with tips")

    # A double tap stores one tip; so do two sends of the same form at once.
    anna.fill("#phone-text", "Wandelen met de hond van de buren")
    anna.locator("#phone-form .phone-send").dblclick()
    expect(page.locator("#beamer")).to_contain_text("Wandelen met de hond van de buren")
    anna.evaluate(
        """() => {
        const form = document.getElementById('phone-form');
        const body = new URLSearchParams(new FormData(form));
        body.set('key', '6f1c1a52-3e0e-4a49-9a2e-0c6f1b2d9e11');
        body.set('text', 'Twee keer tegelijk verstuurd');
        const send = () => fetch(form.action, {method: 'POST', body,
          headers: {'X-CSRFToken': body.get('csrfmiddlewaretoken'), 'X-Akad-Phone': '1'}});
        return Promise.all([send(), send()]).then(rs => rs.map(r => r.status));
    }"""
    )
    expect(page.locator("#beamer")).to_contain_text("Twee keer tegelijk verstuurd")
    assert Tip.objects.filter(text="Wandelen met de hond van de buren").count() == 1
    assert Tip.objects.filter(text="Twee keer tegelijk verstuurd").count() == 1

    # Offline: the tip is kept on the phone, shown as waiting, and arrives once when back.
    phones[1].set_offline(True)
    send_tip(piet, "Budgetcoach van de gemeente")
    expect(piet.locator("#outbox .state-waiting")).to_contain_text("bewaard")
    expect(piet.locator("#phone-status")).to_contain_text("Geen verbinding")
    stored = piet.evaluate(f"localStorage.getItem('akad-draft:phone-{meeting.pk}-outbox')")
    assert "Budgetcoach van de gemeente" in stored
    piet.wait_for_timeout(1500)
    assert not Tip.objects.filter(text="Budgetcoach van de gemeente").exists()
    phones[1].set_offline(False)
    expect(page.locator("#beamer")).to_contain_text("Budgetcoach van de gemeente", timeout=15_000)
    expect(piet.locator("#outbox li")).to_have_count(0, timeout=10_000)
    expect(piet.locator("#my-tips")).to_contain_text("Budgetcoach van de gemeente")
    assert piet.evaluate(f"localStorage.getItem('akad-draft:phone-{meeting.pk}-outbox')") is None
    assert Tip.objects.filter(text="Budgetcoach van de gemeente").count() == 1

    # The answer is lost on the way back: sent again with the same key, stored once.
    def reaches_the_server_but_the_answer_is_lost(route):
        route.fetch()
        route.abort()

    wil.route("**/phone/tips/", reaches_the_server_but_the_answer_is_lost)
    send_tip(wil, "Formulierenbrigade voor de brieven")
    expect(wil.locator("#phone-status")).to_contain_text("Geen verbinding")
    # The server has it: the phone's next poll may confirm it before the retry is due, so the
    # outbox shows it waiting, or has already let it go; either way it is stored once.
    assert Tip.objects.filter(text="Formulierenbrigade voor de brieven").count() == 1
    wil.unroute("**/phone/tips/")
    expect(wil.locator("#outbox li")).to_have_count(0, timeout=15_000)
    assert Tip.objects.filter(text="Formulierenbrigade voor de brieven").count() == 1

    # The facilitator holds the phone tips: Wil's next one waits until "tonen".
    console = page.context.new_page()
    console.goto(live_server.url + reverse("casework:console", args=[room.pk]))
    console.locator("#phone-tips-bar button[name=hold]").click()
    expect(console.locator("#phone-tips-bar button[name=hold]")).to_have_attribute(
        "aria-pressed", "true"
    )
    send_tip(wil, "Eerst iedereen laten schrijven")
    expect(wil.locator("#my-tips .state-held")).to_be_visible()
    page.wait_for_timeout(2500)
    expect(page.locator("#beamer")).not_to_contain_text("Eerst iedereen laten schrijven")
    # The console follows without a reload; the focus stays on the hold button it was on.
    expect(console.locator("#panel .placemat")).to_contain_text("Eerst iedereen laten schrijven")
    expect(console.locator("#phone-tips-bar button.primary")).to_contain_text("1")
    assert console.evaluate("document.activeElement.getAttribute('name')") == "hold"
    expect(console.locator("#attendance")).to_contain_text("3 aanwezig")
    snap(console, "console-attendance", full_page=True)
    console.locator("#phone-tips-bar button.primary").click()
    expect(page.locator("#beamer")).to_contain_text("Eerst iedereen laten schrijven")

    # A guest cannot open the case review, another meeting, a report or the beamer.
    other = CaseDiscussionFactory(meeting=MeetingFactory(network=meeting.network))
    mark(other, "financien")
    for url, status in [
        (reverse("casework:review", args=[room.pk]), 403),
        (reverse("casework:meeting_detail", args=[other.meeting_id]), 403),
        (reverse("casework:phone", args=[other.meeting_id]), 404),
        (reverse("reports:meeting_pdf", args=[meeting.pk]), 403),
        (reverse("reports:case_pdf", args=[room.pk]), 403),
        (reverse("casework:beamer", args=[meeting.pk]), 403),
    ]:
        response = anna.request.get(live_server.url + url, max_redirects=0)
        assert response.status == status, f"{url}: {response.status}"
        assert "Blommetje" not in response.text()
    anna.goto(live_server.url + reverse("casework:review", args=[room.pk]))
    expect(anna.locator("main")).to_contain_text("Niet voor gasten")
    for context in phones:
        context.close()


def test_parked_tips_and_a_closed_meeting(browser, page, live_server, room):
    go_to_step(case=room, step=Step.DOMAINS)
    meeting = room.meeting
    log_in(page, live_server, "facilitator@noord.example", PASSWORD)
    page.goto(live_server.url + reverse("casework:beamer", args=[meeting.pk]))

    context = phone_context(browser)
    anna = context.new_page()
    join(anna, live_server, room, "Anna", how="qr")
    # In the domains step a tip can be written: it waits, parked, until the tips step.
    snap(anna, "phone-domains", full_page=True)
    snap(page, "beamer-domains")
    send_tip(anna, "Buurtbus naar de markt")
    expect(anna.locator("#my-tips .state-held")).to_contain_text("tipsstap")
    page.wait_for_timeout(1500)
    expect(page.locator("#beamer")).not_to_contain_text("Buurtbus naar de markt")
    go_to_step(case=room, step=Step.TIPS)
    expect(page.locator("#beamer")).to_contain_text("Buurtbus naar de markt")
    expect(anna.locator("#my-tips .state-shown")).to_be_visible()

    # Text that looks like a phone number is asked about first; sent anyway, it is stored once.
    send_tip(anna, "Bel de buurtcoach op 06-12345678")
    refused = anna.locator("#outbox .state-refused")
    expect(refused).to_contain_text("Niet verstuurd")
    anna.locator("#outbox button[data-action=anyway]").click()
    expect(anna.locator("#my-tips")).to_contain_text("06-12345678")
    expect(anna.locator("#outbox li")).to_have_count(0)
    assert Tip.objects.filter(text="Bel de buurtcoach op 06-12345678").count() == 1

    # The facilitator closes the meeting: the phone says so, and the code no longer works.
    console = page.context.new_page()
    console.goto(live_server.url + reverse("casework:console", args=[room.pk]))
    console.once("dialog", lambda dialog: dialog.accept())
    console.locator("#attendance button[name=closed]").click()
    expect(console.locator("#attendance")).to_contain_text("gesloten")
    expect(anna.locator("#phone-room")).to_contain_text("niet aangemeld", timeout=5_000)
    late = context.new_page()
    late.context.clear_cookies()
    late.goto(f"{live_server.url}/j/")
    late.fill("input[name=code]", meeting.join_code)
    late.locator(".phone-send").click()
    expect(late.locator(".refusal")).to_contain_text("voorbij")
    assert late.locator("input[name=display_name]").count() == 0
    context.close()


def test_the_console_follows_the_phones_while_the_facilitator_types(
    browser, page, live_server, room
):
    """The placemat on the console redraws as the phones' tips come in; the facilitator typing
    a tip of their own at that moment loses no keystroke and keeps the focus, and a tip they
    are editing is not redrawn under them."""
    go_to_step(case=room, step=Step.TIPS)
    log_in(page, live_server, "facilitator@noord.example", PASSWORD)
    page.goto(live_server.url + reverse("casework:console", args=[room.pk]))
    context = phone_context(browser)
    anna = context.new_page()
    join(anna, live_server, room, "Anna", how="qr")

    field = page.locator("#tip-form input[name=text]")
    field.click()
    typed = "Vraag de buurvrouw of zij woensdag meegaat naar de markt"
    half = len(typed) // 2
    field.press_sequentially(typed[:half], delay=40)
    send_tip(anna, "Wandelclub op dinsdag")
    expect(page.locator("#live-placemat")).to_contain_text("Wandelclub op dinsdag")
    field.press_sequentially(typed[half:], delay=40)
    send_tip(anna, "Samen koken in het buurthuis")
    expect(page.locator("#live-placemat")).to_contain_text("Samen koken in het buurthuis")
    assert field.input_value() == typed
    assert page.evaluate("document.activeElement.name") == "text"

    # Editing a tip: the poll waits until the edit is done.
    tip = Tip.objects.get(text="Wandelclub op dinsdag")
    page.locator(f"#tip-{tip.pk} .tip-actions button").first.click()
    editor = page.locator(f"#tip-{tip.pk} textarea")
    editor.fill("Wandelclub op dinsdag en donderdag")
    send_tip(anna, "Koffieochtend in de bibliotheek")
    expect(anna.locator("#my-tips")).to_contain_text("Koffieochtend")
    page.wait_for_timeout(2000)
    assert editor.input_value() == "Wandelclub op dinsdag en donderdag"
    expect(page.locator("#live-placemat")).not_to_contain_text("Koffieochtend")
    page.locator(f"#tip-{tip.pk} button.primary").click()
    expect(page.locator("#live-placemat")).to_contain_text("Wandelclub op dinsdag en donderdag")
    expect(page.locator("#live-placemat")).to_contain_text("Koffieochtend in de bibliotheek")
    context.close()
