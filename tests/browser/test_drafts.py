"""Nothing typed is lost: a presentation typed while the connection fails is kept on the
device, put back after a reload, and saved as soon as the server answers again."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from akad.models import Role
from sessions import services
from sessions.models import CaseDiscussion, Step
from tests.factories import PASSWORD, CaseDiscussionFactory, MembershipFactory, NetworkFactory

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def presenting():
    noord = NetworkFactory(name="Noord")
    MembershipFactory(network=noord, role=Role.FACILITATOR, user__email="facilitator@noord.example")
    case = CaseDiscussionFactory(meeting__network=noord, client__pseudonym="Blommetje", question="")
    services.go_to_step(case=case, step=Step.PRESENTATION)
    return case


def test_presentation_survives_a_failed_save_and_a_reload(page, live_server, presenting):
    log_in(page, live_server, "facilitator@noord.example", PASSWORD)
    page.goto(live_server.url + reverse("console", args=[presenting.pk]))

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
