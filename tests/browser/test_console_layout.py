"""The console's layout on a phone and a laptop: nothing sticks out sideways, nothing is cut off."""

import pytest
from playwright.sync_api import expect

from sessions import services
from sessions.models import Step
from tests.factories import TipFactory

from .conftest import noord_case, open_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_tips_step_does_not_overflow_sideways_on_a_phone(browser, live_server):
    """The placemat scrolls inside its own box on a small screen; what it holds, the screen
    reader's hidden labels included, must not make the whole page wider than the phone."""
    case = noord_case("financien", "tijdsbesteding", "sociaal-netwerk")
    services.go_to_step(case=case, step=Step.TIPS)  # the first column in the spotlight
    columns = list(case.meeting.network.matrix.columns.order_by("order"))
    for i, goal in enumerate(case.goals.all()):
        for column in columns:
            tip = TipFactory(case=case, domain=goal.domain, column=column, text=f"Tip {i} {column}")
    services.choose_tip(tip=tip, chosen=True)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL")
    page = context.new_page()
    open_console(page, live_server, case)
    expect(page.locator(".placemat .tip")).to_have_count(3 * len(columns))
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= 360, widths
    context.close()

