"""Text typed in the console survives whatever else redraws the step panel."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import Step
from sessions.services.live import go_to_step
from tests.factories import (
    PASSWORD,
    CaseDiscussionFactory,
    TipFactory,
    mark,
)

from .conftest import log_in, noord_case, open_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case():
    return noord_case("financien")


def test_the_next_tip_being_typed_survives_deleting_another(page, live_server, case):
    TipFactory(case=case, text="Schuldhulpmaatje")
    go_to_step(case=case, step=Step.TIPS)
    open_console(page, live_server, case)

    page.fill("#tip-form input[name=text]", "Samen naar de markt")
    page.fill("#tip-form input[name=given_by]", "Kees")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".tip").filter(has_text="Schuldhulpmaatje").get_by_role(
        "button", name="Verwijder"
    ).click()

    expect(page.locator("#panel .placemat")).not_to_contain_text("Schuldhulpmaatje")
    expect(page.locator("#tip-form input[name=text]")).to_have_value("Samen naar de markt")
    expect(page.locator("#tip-form input[name=given_by]")).to_have_value("Kees")


def test_a_follow_up_being_typed_survives_saving_another(page, live_server, case):
    earlier = CaseDiscussionFactory(
        meeting__network=case.meeting.network,
        meeting__starts_at=case.meeting.starts_at - timedelta(days=28),
        client__pseudonym="Reiger",
    )
    mark(earlier, "financien")
    first = TipFactory(case=earlier, chosen=True, text="Wandelgroep")
    second = TipFactory(case=earlier, chosen=True, text="Kookclub")
    go_to_step(case=case, step=Step.FOLLOW_UP)
    open_console(page, live_server, case)

    why = page.locator(f"#follow-up-{second.pk} [name$=why]")
    why.fill("Ze vond het te druk")
    item = page.locator(f"#follow-up-{first.pk}")
    item.get_by_label("niet geprobeerd").check()
    item.get_by_role("button", name="Terugblik opslaan").click()

    expect(page.locator(f"#follow-up-{first.pk}")).to_have_count(0)
    expect(page.locator(f"#follow-up-{second.pk} [name$=why]")).to_have_value("Ze vond het te druk")
    assert first.outcomes.count() == 1 and not second.outcomes.exists()


def test_two_screens_typing_the_presentation_keep_each_others_text(browser, live_server, case):
    """Each field saves itself: a second laptop does not overwrite the first one's fields."""
    from sessions.models import CaseDiscussion

    go_to_step(case=case, step=Step.PRESENTATION)
    url = live_server.url + reverse("casework:console", args=[case.pk])
    screens = []
    for _ in range(2):
        page = browser.new_context(locale="nl-NL").new_page()
        log_in(page, live_server, "facilitator@noord.example", PASSWORD)
        page.goto(url)
        screens.append(page)
    first, second = screens

    first.locator("textarea[name=situation]").fill("Woont alleen met haar kat")
    expect(first.locator("textarea[name=situation] + .save-status")).to_contain_text(":")
    second.locator("textarea[name=strengths]").fill("Tekent graag")
    expect(second.locator("textarea[name=strengths] + .save-status")).to_contain_text(":")

    case = CaseDiscussion.objects.get(pk=case.pk)
    assert (case.situation, case.strengths) == ("Woont alleen met haar kat", "Tekent graag")


def test_actions_typed_in_the_closing_are_saved_when_moving_on(page, live_server, case):
    from sessions.models import Tip

    tip = TipFactory(case=case, text="Koffieochtend in het buurthuis", chosen=True)
    go_to_step(case=case, step=Step.CLOSING)
    open_console(page, live_server, case)

    row = page.locator(f"#choose-{tip.pk}")
    row.locator("input[name$=action_who]").fill("Ilse")
    row.locator("input[name$=action_when]").fill("woensdag")
    page.locator(".step-buttons button.primary").click()  # on to the evaluation, no "Save"

    expect(page.locator('.stepbar button[aria-current="step"]')).to_contain_text("7")
    for _ in range(40):
        tip = Tip.objects.get(pk=tip.pk)
        if tip.action_who:
            break
        page.wait_for_timeout(50)
    assert (tip.action_who, tip.action_when, tip.chosen) == ("Ilse", "woensdag", True)


def slow_line(page, pattern, delay_ms: int) -> None:
    """Every request to `pattern` reaches the server `delay_ms` late (a busy wifi in the room)."""

    def handle(route):
        if delay_ms:
            page.wait_for_timeout(delay_ms)
        route.continue_()

    page.route(pattern, handle)


@pytest.mark.parametrize(
    "delay_ms, who", [(0, "Priya en Roos"), (300, "Jeroen"), (300, "Priya en Roos")]
)
def test_who_typed_while_the_tick_is_saved_is_kept(page, live_server, case, delay_ms, who):
    """Tick a tip, Tab, type the 'who' at once: the row the server draws for the tick must not
    take the letters typed before it arrived."""
    from sessions.models import Tip

    tip = TipFactory(case=case, text="Koffieochtend in het buurthuis")
    go_to_step(case=case, step=Step.CLOSING)
    open_console(page, live_server, case)
    slow_line(page, "**/choose/", delay_ms)

    row = page.locator(f"#choose-{tip.pk}")
    row.locator("input[type=checkbox]").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type(who, delay=60)
    expect(page.locator(f"#choose-{tip.pk}.chosen")).to_have_count(1)  # the tick's row is in
    expect(row.locator("input[name$=action_who]")).to_have_value(who)
    expect(row.locator("input[name$=action_who]")).to_be_focused()

    page.keyboard.press("Enter")
    expect(row.locator(".save-status")).to_be_visible()
    for _ in range(40):
        tip = Tip.objects.get(pk=tip.pk)
        if tip.action_who:
            break
        page.wait_for_timeout(50)
    assert (tip.chosen, tip.action_who) == (True, who)


def test_a_tip_answered_after_the_follow_poll_drew_it_shows_once(page, live_server, case):
    """The tip is stored at once, but its answer comes late (a busy wifi): meanwhile the
    console's follow poll redraws the placemat with the tip in it. When the answer lands and
    appends the tip to its cell, the tip must not stand there twice."""
    go_to_step(case=case, step=Step.TIPS)
    open_console(page, live_server, case)

    def late_answer(route):
        answer = route.fetch()  # the server has it (and stores the tip) now
        page.wait_for_timeout(2500)  # two follow polls or more meanwhile
        route.fulfill(response=answer)

    page.route(f"**/cases/{case.pk}/tips/", late_answer)
    page.fill("#tip-form input[name=text]", "Samen naar de markt")
    page.keyboard.press("Enter")
    tips = page.locator("#panel .tip").filter(has_text="Samen naar de markt")
    expect(tips).to_have_count(1)  # drawn by the follow poll, before the answer
    expect(page.locator("#tip-form input[name=text]")).to_have_value("")  # the answer is in
    page.wait_for_timeout(300)
    expect(tips).to_have_count(1)


def test_a_tip_opened_while_a_follow_poll_is_on_its_way_stays_open(page, live_server, case):
    """The facilitator opens a tip for editing just after the console's follow poll went out
    (a slow line): when that poll comes back with a new placemat, the open tip is not redrawn
    under them; the placemat follows once they have saved."""
    from sessions.services.tips import add_tip

    TipFactory(case=case, domain=case.goals.get().domain, text="Budgetcoach")
    go_to_step(case=case, step=Step.TIPS)
    open_console(page, live_server, case)
    expect(page.locator("#console-follow")).to_have_count(1)
    slow_line(page, re.compile(r"/follow/"), 1500)
    column = case.meeting.network.matrix.columns.order_by("order").first()
    add_tip(  # from a phone, say: the next poll brings the new placemat
        case=case, key=uuid.uuid4(), domain=case.goals.get().domain, column=column, text="Buurtbus"
    )
    with page.expect_request(re.compile(r"/follow/")):
        pass  # a poll is on its way
    page.locator("#panel .tip").filter(has_text="Budgetcoach").get_by_role(
        "button", name="Wijzig"
    ).click()
    editing = page.locator("#panel .tip.editing textarea[name=text]")
    expect(editing).to_be_visible()
    page.wait_for_timeout(2500)  # the poll's answer has come (and gone)
    expect(editing).to_be_visible()
    editing.fill("Budgetcoach van het wijkteam")
    page.locator("#panel .tip.editing").get_by_role("button", name="Opslaan").click()
    expect(page.locator("#panel .placemat")).to_contain_text("Budgetcoach van het wijkteam")
    expect(page.locator("#panel .placemat")).to_contain_text("Buurtbus", timeout=5000)
