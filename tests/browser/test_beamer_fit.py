"""The beamer fills the projector's screen and always fits it, however many tips the room gives.

static/js/beamer.js scales the content (--beamer-scale, from 1 down to a floor of .55) until
the page is no taller than the window: after load, after each new content from the poll and
on a resize. Scale 1 is the ceiling, the largest type. Here a case with 30 tips in 4 domains
is shown at 1920×1080 and 1280×720; the page does not scroll, the tips stay readable, a tip
added from the console (through the services, as the console does) still fits after the
poll, and when tips go the text grows back to full size. A typical placemat of a dozen tips
fills the screen in type of 28 px or more at 1920×1080.
"""

import uuid

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import Step, Tip
from sessions.services.live import go_to_step
from sessions.services.tips import add_tip, choose_tip, delete_tip
from tests.factories import (
    PASSWORD,
    TipFactory,
)

from .conftest import axe_violations, log_in, noord_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FLOOR = 0.55  # the smallest scale beamer.js uses
TIP_VW = 1.5 * 1.3  # .placemat.big font size at scale 1 (the ceiling), in vw (beamer.css)
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


def text_under_the_join_box(beamer) -> list[str]:
    """The text the small join box in the corner covers (none: it has room of its own)."""
    return beamer.evaluate(
        """() => {
            const box = document.querySelector(".join-small");
            if (!box) return ["no small join box"];
            const b = box.getBoundingClientRect();
            const covered = [];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const node = walk.currentNode;
                if (!node.textContent.trim() || box.contains(node)) continue;
                const range = document.createRange();
                range.selectNodeContents(node);
                for (const r of range.getClientRects()) {
                    const across = r.right > b.left && r.left < b.right;
                    if (across && r.bottom > b.top && r.top < b.bottom) {
                        covered.push(node.textContent.trim().slice(0, 60));
                        break;
                    }
                }
            }
            return covered;
        }"""
    )


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


# Readable from the back of the room: the design asks for body text of at least 28 px on a
# 1920×1080 projector (the same share of the width on a smaller screen).
BODY_PX_AT_1920 = 28
TYPICAL = (
    ("Dochter doet op zondag de boodschappen mee", "Fatima Ouali", None),
    ("Koffieochtend in het buurthuis", "Kees", "Buurtcentrum De Kolk"),
    ("Formulierenbrigade voor de brieven", "Sanne Mulder", "Formulierenbrigade Noord"),
    ("Budgetcoach", "Priya", "MEE cliëntondersteuning"),
    ("Maatje via de vrijwilligerscentrale", "Fatima Ouali", None),
    ("Wandelen met de buurvrouw en haar hond", "Hanneke Vos", None),
)


def typical_case(tips: int, domains: tuple[str, ...], preset: str = "akad"):
    """A case as a room fills it: short tips with a giver and often an organisation.
    `preset`: the placemat's columns (akad: three; akad-split: four, as on the design sketch)."""
    from networks.services import switch_preset
    from tests.factories import OrganisationFactory, preset_matrix

    case = noord_case(*domains, question="Hoe komt zij weer vaker buiten de deur?")
    network = switch_preset(network=case.meeting.network, preset=preset_matrix(preset))
    goals = list(case.goals.order_by("domain__order"))
    columns = list(network.matrix.columns.order_by("order"))
    organisations = {
        name: OrganisationFactory(network=network, name=name)
        for _text, _given_by, name in TYPICAL
        if name
    }
    for i in range(tips):
        text, given_by, organisation = TYPICAL[i % len(TYPICAL)]
        TipFactory(
            case=case,
            domain=goals[i % len(goals)].domain,
            column=columns[(i // len(goals)) % len(columns)],
            text=text,
            given_by=given_by,
            organisation=organisations.get(organisation),
        )
    go_to_step(case=case, step=Step.TIPS)
    return case


def open_beamer(browser, live_server, case, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    beamer = context.new_page()
    log_in(beamer, live_server, "facilitator@noord.example", PASSWORD)
    beamer.goto(live_server.url + reverse("casework:beamer", args=[case.meeting_id]))
    expect(beamer.locator(".placemat .tip").first).to_be_visible()
    settled(beamer)
    return beamer


def layout(beamer) -> dict:
    return beamer.evaluate(
        """() => {
            const root = document.documentElement;
            const tips = [...document.querySelectorAll(".placemat .tip")];
            return {
                scale: parseFloat(root.style.getPropertyValue("--beamer-scale")),
                tipPx: Math.min(...tips.map((tip) =>
                    parseFloat(getComputedStyle(tip.querySelector(".tip-text")).fontSize))),
                placematBottom: document.querySelector(".placemat").getBoundingClientRect().bottom,
                lowestTip: Math.max(...tips.map((tip) => tip.getBoundingClientRect().bottom)),
                widestTip: Math.max(...tips.map((tip) => tip.getBoundingClientRect().right)),
                scrollHeight: root.scrollHeight,
                scrollWidth: root.scrollWidth,
                viewportHeight: root.clientHeight,
                viewportWidth: root.clientWidth,
            };
        }"""
    )


# The words of the placemat that are split over two lines (overflow-wrap broke them).
SPLIT_WORDS = """() => [...document.querySelectorAll(".placemat .tip-text, .placemat th")]
  .flatMap((box) => {
    const split = [];
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.data.matchAll(/\\S+/g)) {
            const word = document.createRange();
            word.setStart(node, match.index);
            word.setEnd(node, match.index + match[0].length);
            const lines = new Set([...word.getClientRects()].map((rect) => Math.round(rect.top)));
            if (lines.size > 1) split.push(match[0]);
        }
    }
    return split;
})"""

# The tips and headers with a word that sticks out of their box.
STICKING_OUT = """() => [...document.querySelectorAll(".placemat .tip, .placemat th")]
    .filter((box) => box.scrollWidth > box.clientWidth + 1).map((box) => box.textContent.trim())"""


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
@pytest.mark.parametrize(
    "tips,domains",
    [(12, ("financien", "tijdsbesteding", "sociaal-netwerk")), (6, ("financien", "huisvesting"))],
    ids=["12 tips in 3 domains", "6 tips in 2 domains"],
)
def test_a_typical_placemat_fills_the_screen_in_large_type(
    browser, live_server, tips, domains, width, height
):
    """Not only down: with room to spare the type grows until the placemat fills the screen."""
    beamer = open_beamer(browser, live_server, typical_case(tips, domains), width, height)
    size = layout(beamer)
    assert size["tipPx"] >= BODY_PX_AT_1920 * width / 1920, size
    assert size["placematBottom"] >= 0.8 * size["viewportHeight"], size
    # …and nothing is cut off: no scrolling either way, every tip on the screen.
    assert size["scrollHeight"] <= size["viewportHeight"], size
    assert size["scrollWidth"] <= size["viewportWidth"], size
    assert size["lowestTip"] <= size["viewportHeight"], size
    assert size["widestTip"] <= size["viewportWidth"], size
    beamer.context.close()


def test_the_type_grows_to_a_ceiling_with_very_few_tips(browser, live_server):
    """One tip in one domain would fill the screen with a few giant words: the type stops
    growing at a ceiling (the largest scale, 1); the rows take the rest of the screen."""
    beamer = open_beamer(browser, live_server, typical_case(1, ("financien",)), 1920, 1080)
    size = layout(beamer)
    assert size["scale"] == 1, size
    assert BODY_PX_AT_1920 * 1.2 <= size["tipPx"] <= 60, size  # larger than 28 px, not a poster
    assert size["placematBottom"] >= 0.9 * size["viewportHeight"], size
    assert size["scrollHeight"] <= size["viewportHeight"], size
    beamer.context.close()


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_domain_names_have_room_and_never_wrap_under_their_number(
    browser, live_server, width, height
):
    domains = ("financien", "werk-opleiding", "tijdsbesteding", "maatschappelijke-participatie")
    beamer = open_beamer(browser, live_server, typical_case(12, domains), width, height)
    lines = beamer.evaluate(
        """() => [...document.querySelectorAll(".placemat th.domain")].map((th) => {
            const number = th.querySelector(".column-letter");
            const name = document.createRange();
            name.setStartAfter(number);
            name.setEndBefore(th.querySelector(".goal"));
            const rects = [...name.getClientRects()].filter((rect) => rect.width > 1);
            return {
                text: name.toString().trim(),
                numberRight: number.getBoundingClientRect().right,
                lefts: rects.map((rect) => rect.left),
                lines: new Set(rects.map((rect) => Math.round(rect.top))).size,
            };
        })"""
    )
    for domain in lines:
        # A second line of the name starts under the name, not under its number.
        assert min(domain["lefts"]) >= domain["numberRight"] - 0.5, domain
    # A name of one or two words has the room of one line.
    assert [domain["lines"] for domain in lines[:3]] == [1, 1, 1], lines
    assert lines[3]["lines"] <= 2, lines
    assert not beamer.evaluate(SPLIT_WORDS)  # "Maatschappelijke" is whole
    beamer.context.close()


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_the_closing_agreements_fill_the_screen_and_pass_axe(browser, live_server, width, height):
    case = typical_case(12, ("financien", "tijdsbesteding", "sociaal-netwerk"))
    for i, tip in enumerate(case.tips.order_by("pk")[:5]):
        choose_tip(
            tip=tip,
            chosen=True,
            action_who="Priya (MEE)",
            action_what=f"Samen met de dochter een afspraak maken ({i + 1})",
            action_when="" if i == 4 else "voor de volgende bijeenkomst",
        )
    go_to_step(case=case, step=Step.CLOSING)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    beamer = context.new_page()
    log_in(beamer, live_server, "facilitator@noord.example", PASSWORD)
    beamer.goto(live_server.url + reverse("casework:beamer", args=[case.meeting_id]))
    expect(beamer.locator(".agreements tbody tr")).to_have_count(5)
    settled(beamer)
    size = beamer.evaluate(
        """() => ({
            scrollHeight: document.documentElement.scrollHeight,
            viewportHeight: document.documentElement.clientHeight,
            bottom: document.querySelector(".agreements").getBoundingClientRect().bottom,
            textPx: parseFloat(getComputedStyle(document.querySelector(".agreements td")).fontSize),
        })"""
    )
    assert size["scrollHeight"] <= size["viewportHeight"], size
    assert size["bottom"] >= 0.8 * size["viewportHeight"], size
    assert size["textPx"] >= BODY_PX_AT_1920 * width / 1920, size
    assert text_under_the_join_box(beamer) == []
    assert not axe_violations(beamer)
    context.close()


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_large_type_does_not_split_long_words(browser, live_server, width, height):
    """Dutch has long compounds. Rather than 'mantelzorgsteunpun' and 't' on two lines, the
    type stays a little smaller."""
    case = typical_case(2, ("financien", "sociaal-netwerk"), preset="akad-split")
    columns = list(case.meeting.network.matrix.columns.order_by("order"))
    for column, text in zip(
        columns,
        (
            "Gespreksgroep voor weduwen en weduwnaars van het mantelzorgsteunpunt",
            "Maatje via de vrijwilligerscentrale",
            "Ondersteuning bij de belastingaangifte door de ouderenadviseur",
        ),
        strict=False,
    ):
        TipFactory(case=case, domain=case.goals.first().domain, column=column, text=text)
    beamer = open_beamer(browser, live_server, case, width, height)
    assert not beamer.evaluate(SPLIT_WORDS)
    assert not beamer.evaluate(STICKING_OUT)  # whole, and inside their tips
    size = layout(beamer)
    assert size["tipPx"] >= BODY_PX_AT_1920 * width / 1920, size
    assert size["scrollHeight"] <= size["viewportHeight"], size
    beamer.context.close()


def test_a_word_too_long_for_any_scale_is_split_after_all(browser, live_server):
    case = typical_case(3, ("financien",), preset="akad-split")
    link = "https://www.vrijwilligerscentrale-noord.example/maatjesprojecten/aanmelden"
    TipFactory(case=case, domain=case.goals.get().domain, text=f"Aanmelden via {link}")
    beamer = open_beamer(browser, live_server, case, 1280, 720)
    assert beamer.evaluate(SPLIT_WORDS) == [link]
    assert not beamer.evaluate(STICKING_OUT)
    size = layout(beamer)
    assert size["scrollHeight"] <= size["viewportHeight"], size
    assert size["scale"] > FLOOR  # the other tips need not be small for it
    beamer.context.close()


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_a_round_of_hundreds_of_tips_shows_each_cells_newest(browser, live_server, width, height):
    """A room on phones can write 200 tips in one round: each cell shows its newest few and
    how many more, and the whole still fits the screen."""
    import os

    from sessions.steps import BEAMER_TIPS_PER_CELL

    case = typical_case(tips=200, domains=("financien", "sociaal-netwerk"))
    beamer = open_beamer(browser, live_server, case, width, height)
    cells = beamer.locator(".placemat td")
    shown = [cells.nth(i).locator(".tip").count() for i in range(cells.count())]
    assert max(shown) == BEAMER_TIPS_PER_CELL
    assert sum(shown) < 200
    expect(beamer.locator(".tips-more").first).to_contain_text("eerdere tips")
    assert_fits(beamer, width)
    # With this many tips the join code moves from the header to the corner: over no tip.
    assert text_under_the_join_box(beamer) == []
    if os.environ.get("AKAD_SCREENSHOTS"):
        beamer.screenshot(
            path=os.path.join(os.environ["AKAD_SCREENSHOTS"], f"beamer-round-{width}.png"),
            caret="initial",
        )
    beamer.context.close()
