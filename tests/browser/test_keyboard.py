"""The console by keyboard: the cell a tip goes to is the cell shown, focus stays with the work."""

import pytest
from playwright.sync_api import expect

from sessions.models import DomainGoal, Step, Tip
from sessions.services.live import go_to_step
from sessions.services.tips import delete_tip
from tests.factories import (
    TipFactory,
)

from .conftest import noord_case, open_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case():
    return noord_case("financien", "sociaal-netwerk")


def focused(page) -> str:
    """What has the focus: tag, name and text, enough to tell controls apart."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return [e.tagName, e.getAttribute('name') || '', e.textContent.trim()].join('|'); }"
    )


def cell_of(tip: Tip) -> tuple[str, str]:
    return tip.domain.key, tip.column.key


def test_a_cell_code_that_names_no_cell_stops_the_tip_with_a_message(page, live_server, case):
    go_to_step(case=case, step=Step.TIPS)
    open_console(page, live_server, case)
    page.fill("#tip-form input[name=text]", "Koffieochtend in het buurthuis")
    code = page.locator("#cell-code")
    code.fill("9z")
    code.press("Enter")
    expect(page.locator("#cell-code-error")).to_be_visible()
    expect(code).to_have_attribute("aria-invalid", "true")
    page.wait_for_timeout(300)
    assert not Tip.objects.exists()

    code.fill("2b")
    expect(page.locator("#cell-code-error")).to_be_hidden()
    code.press("Enter")
    expect(page.locator(".placemat .tip")).to_contain_text("Koffieochtend")
    columns = list(case.meeting.network.matrix.columns.order_by("order"))
    assert cell_of(Tip.objects.get()) == ("sociaal-netwerk", columns[1].key)


def test_the_cell_picked_survives_a_redraw_of_the_panel(page, live_server, case):
    go_to_step(case=case, step=Step.TIPS)
    columns = list(case.meeting.network.matrix.columns.order_by("order"))
    open_console(page, live_server, case)
    page.fill("#tip-form input[name=text]", "Maatje via de Vrijwilligerscentrale")
    page.fill("#cell-code", "2b")
    # Someone moves the spotlight: the whole panel is drawn again.
    all_columns = page.locator(".spotlight-bar button").last
    all_columns.click()
    expect(all_columns).to_have_attribute("aria-pressed", "true")  # the new panel is there
    expect(page.locator("#cell-code")).to_have_value("2b")
    expect(page.locator("#tip-form select[name=column]")).to_have_value(str(columns[1].pk))
    page.locator("#cell-code").press("Enter")
    expect(page.locator(".placemat .tip")).to_contain_text("Maatje")
    assert cell_of(Tip.objects.get()) == ("sociaal-netwerk", columns[1].key)


def test_typing_a_goal_ticks_its_domain(page, live_server, case):
    go_to_step(case=case, step=Step.DOMAINS)
    open_console(page, live_server, case)
    row = page.locator(".domain-row").filter(has_text="Huisvesting")
    row.locator("input[type=text]").fill("Een eigen kamer")
    row.locator("input[type=text]").press("Tab")
    expect(row.locator("input[type=checkbox]")).to_be_checked()
    expect(row.locator(".row-status .save-status")).to_be_visible()
    assert DomainGoal.objects.get(case=case, domain__key="huisvesting").goal == "Een eigen kamer"


def test_focus_goes_to_the_new_step_and_stays_on_a_ticked_tip(page, live_server, case):
    tip = TipFactory(case=case, text="Wandelen met de hond")
    go_to_step(case=case, step=Step.TIPS)
    open_console(page, live_server, case)
    page.locator(".step-buttons button.primary").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".stepbar button[aria-current=step]")).to_contain_text("6")
    assert focused(page).startswith("H2|"), focused(page)

    box = page.locator(f"#choose-{tip.pk} input[type=checkbox]")
    box.focus()
    page.keyboard.press("Space")
    expect(page.locator(f"#choose-{tip.pk}")).to_contain_text("mee naar de cliënt")
    assert focused(page) == f"INPUT|c{tip.pk}-chosen|"
    page.keyboard.press("Tab")
    assert focused(page) == f"INPUT|c{tip.pk}-action_who|"


def test_escape_leaves_the_edit_form_without_saving(page, live_server, case):
    tip = TipFactory(case=case, text="Koffieochtend")
    go_to_step(case=case, step=Step.TIPS)
    open_console(page, live_server, case)
    page.locator(f"#tip-{tip.pk}").get_by_role("button", name="Wijzig").click()
    editor = page.locator(f"#tip-{tip.pk} textarea")
    expect(editor).to_be_focused()
    editor.fill("Iets anders")
    editor.press("Escape")
    expect(page.locator(f"#tip-{tip.pk} textarea")).to_have_count(0)
    expect(page.locator(f"#tip-{tip.pk}")).to_contain_text("Koffieochtend")
    tip.refresh_from_db()
    assert tip.text == "Koffieochtend"


def test_a_refused_redraw_leaves_nothing_to_come_back_later(page, live_server, case):
    """A request the server refuses (a tip deleted meanwhile) is not swapped in: what was
    typed before it must not reappear after the next tip is added."""
    gone = TipFactory(case=case, text="Al weg")
    go_to_step(case=case, step=Step.TIPS)
    columns = list(case.meeting.network.matrix.columns.order_by("order"))
    open_console(page, live_server, case)
    page.fill("#tip-form input[name=text]", "Eerste")
    page.fill("#cell-code", "2b")
    gone_id = gone.pk
    delete_tip(tip=gone)  # someone else, on another screen
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#tip-{gone_id}").get_by_role("button", name="Verwijderen").click()
    expect(page.locator("#request-error")).to_be_visible()

    page.fill("#tip-form input[name=text]", "Tweede")
    page.fill("#cell-code", "1a")
    page.locator("#cell-code").press("Enter")
    expect(page.locator(".placemat .tip").filter(has_text="Tweede")).to_have_count(1)
    assert cell_of(Tip.objects.get(text="Tweede")) == ("financien", columns[0].key)
    expect(page.locator("#tip-form input[name=text]")).to_have_value("")
    expect(page.locator("#tip-form select[name=column]")).to_have_value(str(columns[0].pk))


def test_screen_readers_hear_what_changed_and_nothing_hidden(page, live_server, case):
    tip = TipFactory(case=case, text="Koffieochtend")
    go_to_step(case=case, step=Step.DOMAINS)
    open_console(page, live_server, case)
    page.locator(".step-buttons button.primary").click()  # on to the tips
    expect(page.locator("#tip-form")).to_be_visible()
    page.wait_for_timeout(300)
    assert "bestaat niet" not in page.locator("#announcer").text_content()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#tip-{tip.pk}").get_by_role("button", name="Verwijderen").click()
    expect(page.locator("#announcer")).to_have_text("Tip verwijderd.")
