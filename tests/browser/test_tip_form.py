"""The new-tip form as a facilitator runs it tip after tip: who gave a tip is asked anew for
every tip, the cell stays, the keyboard works from every field and messages do not linger."""

import pytest
from playwright.sync_api import expect

from sessions import services
from sessions.models import Step, Tip
from tests.factories import OrganisationFactory

from .conftest import noord_case, open_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case():
    case = noord_case("financien", "sociaal-netwerk")
    OrganisationFactory(network=case.meeting.network, name="Buurtcentrum De Kolk")
    services.go_to_step(case=case, step=Step.TIPS)
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
