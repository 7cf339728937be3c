"""The console's layout on a phone and a laptop: nothing sticks out sideways, nothing is cut off."""

import pytest
from playwright.sync_api import expect

from sessions.models import Step
from sessions.services.live import go_to_step
from sessions.services.tips import choose_tip
from tests.factories import OrganisationFactory, TipFactory

from .conftest import axe_violations, noord_case, open_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_tips_step_does_not_overflow_sideways_on_a_phone(browser, live_server):
    """The placemat scrolls inside its own box on a small screen; what it holds, the screen
    reader's hidden labels included, must not make the whole page wider than the phone."""
    case = noord_case("financien", "tijdsbesteding", "sociaal-netwerk")
    go_to_step(case=case, step=Step.TIPS)  # the first column in the spotlight
    columns = list(case.meeting.network.matrix.columns.order_by("order"))
    for i, goal in enumerate(case.goals.all()):
        for column in columns:
            tip = TipFactory(case=case, domain=goal.domain, column=column, text=f"Tip {i} {column}")
    choose_tip(tip=tip, chosen=True)
    # The organisation list is as wide as its longest name.
    OrganisationFactory(network=case.meeting.network, name="Wijkverpleging team Noord-Oost")
    OrganisationFactory(network=case.meeting.network, name="MEE cliëntondersteuning Noord")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL")
    page = context.new_page()
    open_console(page, live_server, case)
    expect(page.locator(".placemat .tip")).to_have_count(3 * len(columns))
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= 360, widths
    # Nor does anything stick out of the panel (the placemat scrolls in its own box).
    sticking_out = page.evaluate(
        """() => {
            const panel = document.querySelector("#panel").getBoundingClientRect();
            return [...document.querySelectorAll("#panel *")]
                .filter((e) => !e.closest(".placemat-scroll, .visually-hidden"))
                .filter((e) => e.getBoundingClientRect().right > panel.right + 0.5)
                .map((e) => e.outerHTML.slice(0, 80));
        }"""
    )
    assert not sticking_out, sticking_out
    context.close()


@pytest.mark.parametrize(
    "width,height", [(1366, 768), (1136, 700), (1024, 768), (680, 900), (640, 900), (360, 740)]
)
def test_level_lists_show_the_whole_level_name(browser, live_server, width, height):
    """'2 – Niet zelfredzaam', not '2 – Niet zelfr': every level select is at least as wide as
    it would be on its own, sized to its longest level."""
    case = noord_case("financien", "sociaal-netwerk")
    go_to_step(case=case, step=Step.DOMAINS)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    page = context.new_page()
    open_console(page, live_server, case)
    selects = page.locator(".domain-row select")
    expect(selects.first).to_be_visible()
    cut_off = page.evaluate(
        """() => [...document.querySelectorAll(".domain-row select")].flatMap((select) => {
            // The same select, free of the layout: the width it needs for its longest option.
            const alone = select.cloneNode(true);
            alone.removeAttribute("id");
            alone.style.setProperty("position", "absolute");
            alone.style.setProperty("width", "auto");
            alone.style.setProperty("max-width", "none");
            document.body.append(alone);
            const needed = alone.getBoundingClientRect().width;
            alone.remove();
            const shown = select.getBoundingClientRect().width;
            const cut = shown + 0.5 < needed;
            return cut ? [[select.name, Math.round(shown), Math.round(needed)]] : [];
        })"""
    )
    assert not cut_off, cut_off
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= width, widths
    # Where the head row ("Now", "Goal") does not fit, each field shows what it is.
    head_shown = page.locator(".domain-head").is_visible()
    shown_labels = page.evaluate(
        """() => [...document.querySelector(".domain-row").querySelectorAll("[data-label]")]
            .map((cell) => getComputedStyle(cell, "::before").content)"""
    )
    if head_shown:
        assert shown_labels == ["none"] * 3, shown_labels
    else:
        assert shown_labels == ['"Wens of doel"', '"Nu"', '"Doel"'], shown_labels
    if width == 1366:
        assert head_shown
        assert not axe_violations(page)
    context.close()
