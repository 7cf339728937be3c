"""The beamer always fits the projector's screen height, however many tips the room gives.

static/js/beamer.js scales the content (--beamer-scale, from 1 down to a floor of .55) until
the page is no taller than the window: after load, after each new content from the poll and
on a resize. Here a case with 30 tips in 4 domains is shown at 1920×1080 and 1280×720; the
page does not scroll, the tips stay readable, a tip added from the console (through the
services, as the console does) still fits after the poll, and when tips go the text grows
back to full size.
"""

import uuid

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import Step, Tip
from sessions.services.live import go_to_step
from sessions.services.tips import add_tip, delete_tip
from tests.factories import (
    PASSWORD,
    TipFactory,
)

from .conftest import axe_violations, log_in, noord_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FLOOR = 0.55  # the smallest scale beamer.js uses
TIP_VW = 1.5  # .placemat.big font size at scale 1, in vw (beamer.css)
DOMAINS = ("financien", "werk-opleiding", "tijdsbesteding", "huisvesting")
TEXTS = (
    "Zus belt elke zondag en komt eens per maand langs",
    "Koffieochtend in het buurthuis",
    "Formulierenbrigade voor de brieven van de belastingdienst",
    "Budgetcoach",
    "Maatje via de vrijwilligerscentrale om samen boodschappen te doen",
    "Wandelen met de buurvrouw",
)


@pytest.fixture
def case():
    case = noord_case(
        *DOMAINS, question="Hoe woont zij langer thuis zonder dat alles op haar dochter neerkomt?"
    )
    goals = list(case.goals.order_by("domain__order"))
    columns = list(case.meeting.network.matrix.columns.order_by("order"))
    for i in range(30):
        TipFactory(
            case=case,
            domain=goals[i % len(goals)].domain,
            column=columns[(i // len(goals)) % len(columns)],
            text=f"{TEXTS[i % len(TEXTS)]} ({i + 1})",
            given_by="Fatima Ouali",
        )
    go_to_step(case=case, step=Step.TIPS)
    return case


def measure(beamer) -> dict:
    return beamer.evaluate(
        """() => {
            const root = document.documentElement;
            const tip = document.querySelector(".placemat .tip-text");
            return {
                scrollHeight: root.scrollHeight,
                viewportHeight: root.clientHeight,
                scale: parseFloat(root.style.getPropertyValue("--beamer-scale")),
                tipPx: tip ? parseFloat(getComputedStyle(tip).fontSize) : null,
            };
        }"""
    )


def assert_fits(beamer, width: int) -> dict:
    size = measure(beamer)
    assert size["scrollHeight"] <= size["viewportHeight"], size
    assert FLOOR <= size["scale"] <= 1, size
    # Readable from the back of the room: no smaller than the floor allows (≈16 px at 1920).
    assert size["tipPx"] >= FLOOR * TIP_VW / 100 * width - 0.1, size
    return size


def settled(beamer) -> None:
    """No poll in flight and the last swap settled (beamer.js refits on htmx:afterSettle)."""
    expect(
        beamer.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    ).to_have_count(0)


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_many_tips_fit_the_screen_and_follow_the_console(browser, live_server, case, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    beamer = context.new_page()
    csp_violations = []
    beamer.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and csp_violations.append(message.text)
        ),
    )
    log_in(beamer, live_server, "facilitator@noord.example", PASSWORD)
    beamer.goto(live_server.url + reverse("casework:beamer", args=[case.meeting_id]))
    expect(beamer.locator(".placemat .tip")).to_have_count(30)
    settled(beamer)
    before = assert_fits(beamer, width)
    assert before["scale"] < 1  # 30 tips do not fit at full size: the script did the work

    # The facilitator adds a long tip to the fullest row; the poll brings it, and it fits.
    goal = case.goals.select_related("domain").get(domain__key=DOMAINS[0])
    text = "Samen met de dochter een weekrooster maken: wie komt wanneer, en wat doet de buurman"
    add_tip(
        case=case,
        key=uuid.uuid4(),
        domain=goal.domain,
        column=case.meeting.network.matrix.columns.order_by("order").first(),
        text=text,
        given_by="Kees",
    )
    expect(beamer.locator(".placemat")).to_contain_text(text, timeout=5000)
    settled(beamer)
    after = assert_fits(beamer, width)
    assert after["scale"] < before["scale"]  # refitted after the swap, not just clipped

    # Most tips are deleted: the beamer scales back up to full size.
    for tip in Tip.objects.filter(case=case).order_by("pk")[2:]:
        delete_tip(tip=tip)
    expect(beamer.locator(".placemat .tip")).to_have_count(2, timeout=5000)
    settled(beamer)
    few = assert_fits(beamer, width)
    assert few["scale"] == 1
    assert few["tipPx"] >= TIP_VW / 100 * width - 0.1

    if width == 1280:
        assert not axe_violations(beamer)
    assert not csp_violations, csp_violations
    context.close()


def test_a_resized_window_is_fitted_again(browser, live_server, case):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    beamer = context.new_page()
    log_in(beamer, live_server, "facilitator@noord.example", PASSWORD)
    beamer.goto(live_server.url + reverse("casework:beamer", args=[case.meeting_id]))
    settled(beamer)
    assert_fits(beamer, 1920)

    # Same width, much less height (a projector with another aspect ratio): smaller still.
    tall = measure(beamer)["scale"]
    beamer.set_viewport_size({"width": 1920, "height": 960})
    beamer.wait_for_function(
        "() => document.documentElement.scrollHeight <= document.documentElement.clientHeight"
    )
    short = assert_fits(beamer, 1920)
    assert short["scale"] < tall
    context.close()
