"""The new-tip form as a facilitator runs it tip after tip: who gave a tip is asked anew for
every tip, the cell stays, the keyboard works from every field and messages do not linger."""

import pytest
from playwright.sync_api import expect

from sessions.models import Step, Tip
from sessions.services.live import go_to_step
from tests.factories import OrganisationFactory

from .conftest import noord_case, open_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case():
    case = noord_case("financien", "sociaal-netwerk")
    OrganisationFactory(network=case.meeting.network, name="Buurtcentrum De Kolk")
    go_to_step(case=case, step=Step.TIPS)
    return case


def columns_of(case):
    return list(case.meeting.network.matrix.columns.order_by("order"))


def test_giver_and_organisation_are_asked_anew_for_every_tip(page, live_server, case):
    """Tips are not credited to the previous giver: only the cell stays for the next tip."""
    columns = columns_of(case)
    open_console(page, live_server, case)
    form = page.locator("#tip-form")
    form.locator("select[name=organisation]").select_option(label="Buurtcentrum De Kolk")
    form.locator("input[name=given_by]").fill("Priya")
    form.locator("input[name=text]").fill("Koffieochtend in het buurthuis")
    page.fill("#cell-code", "2b")
    page.press("#cell-code", "Enter")
    expect(page.locator(".placemat .tip")).to_contain_text("Koffieochtend")

    expect(form.locator("input[name=text]")).to_have_value("")
    expect(form.locator("input[name=given_by]")).to_have_value("")
    expect(form.locator("select[name=organisation]")).to_have_value("")
    expect(page.locator("#cell-code")).to_have_value("2b")
    expect(form.locator("select[name=column]")).to_have_value(str(columns[1].pk))

    form.locator("input[name=text]").fill("Maatje via de vrijwilligerscentrale")
    page.press("#tip-form input[name=text]", "Enter")
    expect(page.locator(".placemat .tip")).to_have_count(2)
    first, second = Tip.objects.order_by("pk")
    assert (first.given_by, first.organisation.name) == ("Priya", "Buurtcentrum De Kolk")
    assert (second.given_by, second.organisation) == ("", None)
    assert (second.domain.key, second.column_id) == ("sociaal-netwerk", columns[1].pk)


def test_choosing_an_organisation_keeps_the_cell_code(page, live_server, case):
    columns = columns_of(case)
    open_console(page, live_server, case)
    page.fill("#tip-form input[name=text]", "Formulierenbrigade")
    page.fill("#cell-code", "1b")
    page.select_option("#tip-form select[name=organisation]", label="Buurtcentrum De Kolk")
    expect(page.locator("#cell-code")).to_have_value("1b")
    expect(page.locator("#tip-form select[name=column]")).to_have_value(str(columns[1].pk))

    # Picking from the cell's own lists still makes the lists count, not the code.
    page.select_option("#tip-form select[name=column]", str(columns[2].pk))
    expect(page.locator("#cell-code")).to_have_value("")


def test_enter_in_the_organisation_list_adds_the_tip(page, live_server, case):
    columns = columns_of(case)
    open_console(page, live_server, case)
    page.fill("#tip-form input[name=text]", "Formulierenbrigade")
    page.fill("#cell-code", "1b")
    organisation = page.locator("#tip-form select[name=organisation]")
    organisation.select_option(label="Buurtcentrum De Kolk")
    organisation.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".placemat .tip")).to_contain_text("Formulierenbrigade")
    tip = Tip.objects.get()
    assert (tip.domain.key, tip.column_id) == ("financien", columns[1].pk)
    assert tip.organisation.name == "Buurtcentrum De Kolk"


def line_count(page, selector: str) -> int:
    """How many lines the text of `selector` takes on the screen."""
    return page.evaluate(
        """selector => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector(selector));
            return new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size;
        }""",
        selector,
    )


def test_the_tip_added_message_goes_with_a_new_tip_or_an_error(page, live_server, case):
    open_console(page, live_server, case)
    added = page.locator("#tip-form").get_by_text("Tip toegevoegd")
    page.fill("#tip-form input[name=text]", "Koffieochtend")
    page.fill("#cell-code", "2b")
    page.press("#cell-code", "Enter")
    expect(added).to_be_visible()

    page.locator("#tip-form input[name=text]").press_sequentially("Buurt")  # the next tip
    expect(added).to_have_count(0)

    page.press("#tip-form input[name=text]", "Enter")
    expect(added).to_be_visible()
    # Enter in the organisation list with nothing new typed: no "added" for a tip not sent.
    page.locator("#tip-form select[name=organisation]").focus()
    page.keyboard.press("Enter")
    expect(added).to_have_count(0)
    assert Tip.objects.count() == 2

    # A wrong cell code: the message stands alone, and it stays compact.
    page.fill("#tip-form input[name=text]", "Buurtbus")
    page.fill("#cell-code", "9z")
    page.press("#cell-code", "Enter")
    expect(page.locator("#cell-code-error")).to_be_visible()
    expect(added).to_have_count(0)
    assert line_count(page, "#cell-code-error") <= 2


def test_a_refused_tip_keeps_its_cell_code(page, live_server, case):
    """The server draws the form again with its message: the code typed is still there."""
    open_console(page, live_server, case)
    page.fill("#tip-form input[name=text]", "   ")  # the browser lets it go, the server not
    page.fill("#cell-code", "2b")
    page.press("#cell-code", "Enter")
    expect(page.locator("#tip-form")).to_contain_text("Schrijf eerst de tip op")
    expect(page.locator("#cell-code")).to_have_value("2b")
    assert not Tip.objects.exists()


def test_a_refusal_goes_when_the_tip_is_added(page, live_server, case):
    """'Not added' must not stand beside 'added' once the tip is in."""
    open_console(page, live_server, case)
    text = page.locator("#tip-form input[name=text]")
    text.fill("   ")
    page.fill("#cell-code", "2b")
    page.press("#cell-code", "Enter")
    expect(page.locator("#tip-form")).to_contain_text("Schrijf eerst de tip op")

    page.locator("#tip-form input[name=text]").fill("Koffieochtend")
    page.press("#tip-form input[name=text]", "Enter")
    expect(page.locator("#tip-form")).to_contain_text("Tip toegevoegd")
    expect(page.locator("#tip-form")).not_to_contain_text("niet toegevoegd")
    expect(page.locator("#tip-form")).not_to_contain_text("Schrijf eerst de tip op")
    expect(page.locator("#tip-form input[name=text]")).not_to_have_attribute("aria-invalid", "true")
    assert Tip.objects.get().text == "Koffieochtend"
