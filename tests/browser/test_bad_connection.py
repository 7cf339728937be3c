"""A bad connection loses nothing and doubles nothing.

A presentation typed while the connection fails is kept on the device, put back after a
reload and saved once the server answers again; a tip sent while offline stays in the form
with a message; a retry after a lost answer stores the tip once."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from networks.models import Role
from sessions.models import CaseDiscussion, Step
from sessions.services.live import go_to_step
from tests.factories import PASSWORD, CaseDiscussionFactory, MembershipFactory, NetworkFactory

from .conftest import log_in, open_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def presenting():
    noord = NetworkFactory(name="Noord")
    MembershipFactory(network=noord, role=Role.FACILITATOR, user__email="facilitator@noord.example")
    case = CaseDiscussionFactory(meeting__network=noord, client__pseudonym="Blommetje", question="")
    go_to_step(case=case, step=Step.PRESENTATION)
    return case


def test_presentation_survives_a_failed_save_and_a_reload(page, live_server, presenting):
    open_console(page, live_server, presenting)

    # The connection drops: every save fails.
    page.route("**/presentation/", lambda route: route.abort())
    field = page.locator("textarea[name=strengths]")
    field.fill("Kookt graag voor de buren en zorgt goed voor haar kat")
    expect(
        field.locator("xpath=following-sibling::span[contains(@class,'save-status')]")
    ).to_have_class(re.compile("failed"))
    assert CaseDiscussion.objects.get(pk=presenting.pk).strengths == ""

    # A reload while it is still down puts the text back from the device.
    page.reload()
    expect(page.locator("textarea[name=strengths]")).to_have_value(
        "Kookt graag voor de buren en zorgt goed voor haar kat"
    )

    # The connection is back: the kept text is saved by the retry, without retyping.
    page.unroute("**/presentation/")
    expect(page.locator("textarea[name=strengths] + .save-status")).to_have_text(
        re.compile(r"\d\d:\d\d"), timeout=10_000
    )
    assert (
        CaseDiscussion.objects.get(pk=presenting.pk).strengths
        == "Kookt graag voor de buren en zorgt goed voor haar kat"
    )
    page.reload()
    expect(page.locator("textarea[name=strengths]")).to_have_value(
        "Kookt graag voor de buren en zorgt goed voor haar kat"
    )


def test_a_tip_sent_while_the_connection_is_down_is_kept_and_sent_once(
    page, live_server, presenting
):
    from sessions.models import Tip
    from tests.factories import mark

    mark(presenting, "financien")
    go_to_step(case=presenting, step=Step.TIPS)
    open_console(page, live_server, presenting)

    page.route("**/tips/", lambda route: route.abort())
    page.fill("#tip-form input[name=text]", "Buurtbus naar de markt")
    page.press("#tip-form input[name=text]", "Enter")
    expect(page.locator("#request-error")).to_be_visible()
    expect(page.locator("#request-error")).to_contain_text("Geen verbinding")
    expect(page.locator("#tip-form input[name=text]")).to_have_value("Buurtbus naar de markt")
    assert not Tip.objects.exists()

    # Back online: Enter again sends the same tip, which is stored once.
    page.unroute("**/tips/")
    page.press("#tip-form input[name=text]", "Enter")
    expect(page.locator("#panel .placemat")).to_contain_text("Buurtbus naar de markt")
    expect(page.locator("#request-error")).to_be_hidden()
    assert Tip.objects.filter(text="Buurtbus naar de markt").count() == 1


def test_a_retry_after_a_lost_answer_stores_the_tip_once(page, live_server, presenting):
    from sessions.models import Tip
    from tests.factories import mark

    mark(presenting, "financien")
    go_to_step(case=presenting, step=Step.TIPS)
    open_console(page, live_server, presenting)

    def reaches_the_server_but_the_answer_is_lost(route):
        route.fetch()  # the server stores the tip ...
        route.abort()  # ... and the answer never arrives

    page.route("**/tips/", reaches_the_server_but_the_answer_is_lost)
    page.fill("#tip-form input[name=text]", "Kookclub in de Huiskamer")
    page.press("#tip-form input[name=text]", "Enter")
    expect(page.locator("#request-error")).to_be_visible()
    assert Tip.objects.filter(text="Kookclub in de Huiskamer").count() == 1

    page.unroute("**/tips/")
    page.press("#tip-form input[name=text]", "Enter")  # the retry, with the same form key
    expect(page.locator("#panel .placemat")).to_contain_text("Kookclub in de Huiskamer")
    assert Tip.objects.filter(text="Kookclub in de Huiskamer").count() == 1


def test_a_session_that_expires_while_typing_loses_nothing(page, live_server, presenting):
    """The autosave gets 401 (not the login page): the text stays, and saves after a new login."""
    from django.contrib.sessions.models import Session

    log_in(page, live_server, "facilitator@noord.example", PASSWORD)
    console = live_server.url + reverse("casework:console", args=[presenting.pk])
    page.goto(console)

    Session.objects.all().delete()  # the session expires on the server
    field = page.locator("textarea[name=strengths]")
    field.fill("Maakt mooie tekeningen van de wijk")
    status = page.locator("textarea[name=strengths] + .save-status")
    expect(status).to_contain_text("sessie is verlopen")
    expect(page.locator("#request-error")).to_contain_text("Je sessie is verlopen")
    expect(page.locator("#panel")).not_to_contain_text("Wachtwoord")  # no login page swapped in
    assert CaseDiscussion.objects.get(pk=presenting.pk).strengths == ""

    # Reload: the login page; after logging in the console is back with the text, saved.
    page.reload()
    page.fill("#id_username", "facilitator@noord.example")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_url(console)
    expect(page.locator("textarea[name=strengths]")).to_have_value(
        "Maakt mooie tekeningen van de wijk"
    )
    expect(status).to_have_text(re.compile(r"\d\d:\d\d"), timeout=10_000)
    assert (
        CaseDiscussion.objects.get(pk=presenting.pk).strengths
        == "Maakt mooie tekeningen van de wijk"
    )


def test_logging_out_asks_before_leaving_unsaved_text_on_the_device(page, live_server, presenting):
    """A shared laptop: unsaved care text is not left behind in the browser without asking."""
    open_console(page, live_server, presenting)
    page.route("**/presentation/", lambda route: route.abort())
    field = page.locator("textarea[name=situation]")
    field.fill("Woont alleen met haar kat")
    expect(
        field.locator("xpath=following-sibling::span[contains(@class,'save-status')]")
    ).to_have_class(re.compile("failed"))
    drafts = "() => Object.keys(localStorage).filter(k => k.startsWith('akad-draft:')).length"
    assert page.evaluate(drafts) == 1

    # First answer "no": still logged in, the text and its draft stay.
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Uitloggen").click()
    expect(field).to_have_value("Woont alleen met haar kat")
    assert "nog niet is opgeslagen" in questions[0]
    assert page.evaluate(drafts) == 1

    # Then "yes": logged out, and nothing of the text is left in this browser.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/accounts/login/|/$"))
    assert page.evaluate(drafts) == 0


class Line:
    """The connection to the server for one URL pattern: "hold" (requests wait until the test
    lets them go), "down" (they fail) or "up"."""

    def __init__(self, page, pattern: str):
        self.state, self.held = "hold", []
        page.route(pattern, self.handle)

    def handle(self, route) -> None:
        if self.state == "hold":
            self.held.append(route)
        elif self.state == "down":
            route.abort()
        else:
            route.continue_()

    def release(self, *, then: str) -> None:
        self.state = then
        for route in self.held:
            route.continue_()


def wait_until(page, condition) -> None:
    for _ in range(100):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("timed out")


def test_the_next_tip_typed_while_one_is_saved_is_kept(page, live_server, presenting):
    from tests.factories import mark

    mark(presenting, "financien")
    go_to_step(case=presenting, step=Step.TIPS)
    open_console(page, live_server, presenting)

    line = Line(page, "**/tips/")  # a slow connection in the room
    text = page.locator("#tip-form input[name=text]")
    text.fill("Buurtbus naar de markt")
    page.press("#tip-form input[name=text]", "Enter")
    wait_until(page, lambda: line.held)
    text.fill("Samen koken op vrijdag")  # typing the next tip while the first travels
    line.release(then="up")

    expect(page.locator("#panel .placemat")).to_contain_text("Buurtbus naar de markt")
    expect(text).to_have_value("Samen koken op vrijdag")


def test_text_typed_during_a_save_keeps_its_device_copy(page, live_server, presenting):
    open_console(page, live_server, presenting)
    field = page.locator("textarea[name=strengths]")

    line = Line(page, "**/presentation/")
    field.fill("Kookt graag")
    wait_until(page, lambda: line.held)  # the autosave of "Kookt graag" is on its way ...
    field.fill("Kookt graag voor de hele flat")  # ... while the text grows
    line.release(then="down")  # the first save arrives; after it the line drops

    wait_until(page, lambda: CaseDiscussion.objects.get(pk=presenting.pk).strengths)
    page.wait_for_timeout(1500)  # the next autosave (of the longer text) fails
    page.reload()
    expect(page.locator("textarea[name=strengths]")).to_have_value("Kookt graag voor de hele flat")


KEPT_TIPS = """() => Object.keys(localStorage)
    .filter(k => k.startsWith('akad-draft:') && k.endsWith('new-tip'))
    .map(k => JSON.parse(localStorage.getItem(k)))"""


def test_a_tip_sent_offline_is_kept_on_the_device_and_sent_once_back_online(
    page, live_server, presenting
):
    from sessions.models import Tip
    from tests.factories import OrganisationFactory, mark

    OrganisationFactory(network=presenting.meeting.network, name="Buurtcentrum De Kolk")
    mark(presenting, "financien")
    go_to_step(case=presenting, step=Step.TIPS)
    open_console(page, live_server, presenting)
    status = page.locator("#tip-send-status")

    page.context.set_offline(True)
    page.fill("#tip-form input[name=text]", "Buurtbus naar de markt")
    page.fill("#cell-code", "1b")
    page.fill("#tip-form input[name=given_by]", "Priya")
    page.select_option("#tip-form select[name=organisation]", label="Buurtcentrum De Kolk")
    page.press("#tip-form input[name=text]", "Enter")
    expect(status).to_contain_text("Nog niet verstuurd")
    expect(page.locator("#tip-form input[name=text]")).to_have_value("Buurtbus naar de markt")
    (kept,) = page.evaluate(KEPT_TIPS)
    assert kept["text"] == "Buurtbus naar de markt" and kept["given_by"] == "Priya"
    assert kept["code"] == "1b" and kept["key"] == page.input_value("#id_key")
    assert not Tip.objects.exists()

    # The connection is back: the kept tip goes by itself, and is stored once.
    page.context.set_offline(False)
    # By the browser's "online", not the retry every few seconds.
    expect(page.locator("#panel .placemat")).to_contain_text("Buurtbus naar de markt", timeout=2500)
    expect(page.locator("#tip-form")).to_contain_text("Tip toegevoegd")
    expect(status).to_have_text("")
    expect(page.locator("#tip-form input[name=text]")).to_have_value("")
    page.wait_for_timeout(1000)  # nothing else comes after it
    tip = Tip.objects.get()
    assert (tip.text, tip.given_by, tip.organisation.name) == (
        "Buurtbus naar de markt",
        "Priya",
        "Buurtcentrum De Kolk",
    )
    columns = list(presenting.meeting.network.matrix.columns.order_by("order"))
    assert tip.column_id == columns[1].pk  # column b
    assert page.evaluate(KEPT_TIPS) == []


def test_a_kept_tip_comes_back_after_a_reload_and_is_stored_once(page, live_server, presenting):
    """The answer to the first send is lost (the tip is stored, the laptop does not know) and
    the page is reloaded: the tip is put back from the device and sent again with its key."""
    from sessions.models import Tip
    from tests.factories import mark

    mark(presenting, "financien")
    go_to_step(case=presenting, step=Step.TIPS)
    open_console(page, live_server, presenting)

    def reaches_the_server_but_the_answer_is_lost(route):
        route.fetch()
        route.abort()

    page.route("**/tips/", reaches_the_server_but_the_answer_is_lost)
    page.fill("#tip-form input[name=text]", "Kookclub in de Huiskamer")
    page.fill("#tip-form input[name=given_by]", "Roos")
    page.press("#tip-form input[name=text]", "Enter")
    expect(page.locator("#tip-send-status")).to_contain_text("Nog niet verstuurd")
    assert Tip.objects.count() == 1

    page.unroute("**/tips/")
    page.reload()
    expect(page.locator("#panel .placemat")).to_contain_text("Kookclub in de Huiskamer")
    expect(page.locator("#tip-form input[name=text]")).to_have_value("")
    expect(page.locator("#tip-form input[name=given_by]")).to_have_value("")
    expect(page.locator("#tip-send-status")).to_have_text("")
    page.wait_for_timeout(500)
    assert Tip.objects.filter(text="Kookclub in de Huiskamer").count() == 1
    assert page.evaluate(KEPT_TIPS) == []


def test_another_tip_sent_with_the_key_of_one_stored_stays_in_the_form(
    page, live_server, presenting
):
    """The first tip was stored but its answer lost; the facilitator types the next tip over
    it and sends it with the same form key: that one is not stored, so it must not vanish."""
    from sessions.models import Tip
    from tests.factories import mark

    mark(presenting, "financien")
    go_to_step(case=presenting, step=Step.TIPS)
    open_console(page, live_server, presenting)

    def reaches_the_server_but_the_answer_is_lost(route):
        route.fetch()
        route.abort()

    page.route("**/tips/", reaches_the_server_but_the_answer_is_lost)
    text = page.locator("#tip-form input[name=text]")
    text.fill("Kookclub in de Huiskamer")
    text.press("Enter")
    expect(page.locator("#tip-send-status")).to_contain_text("Nog niet verstuurd")
    page.unroute("**/tips/")

    text.fill("Buurtbus naar de markt")
    text.press("Enter")
    expect(page.locator("#panel .placemat")).to_contain_text("Kookclub in de Huiskamer")
    expect(text).to_have_value("Buurtbus naar de markt")
    assert not Tip.objects.filter(text="Buurtbus naar de markt").exists()

    text.press("Enter")  # with the redrawn form's own key
    expect(page.locator("#panel .placemat")).to_contain_text("Buurtbus naar de markt")
    assert Tip.objects.filter(text="Kookclub in de Huiskamer").count() == 1
    assert Tip.objects.filter(text="Buurtbus naar de markt").count() == 1
