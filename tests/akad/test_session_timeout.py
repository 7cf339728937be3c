"""Sessions end after 30 minutes without activity and 12 hours after the login, and a form
sent without JavaScript after that loses nothing typed (akad.session_store, akad.middleware)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from sessions.models import Step
from sessions.services.live import go_to_step
from tests.clients import HTMX
from tests.factories import PASSWORD

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def logged_in(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def console_status(client, case) -> int:
    return client.get(reverse("casework:console", args=[case.pk])).status_code


def test_settings_idle_and_absolute(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.SESSION_ENGINE == "akad.session_store"


def test_a_session_ends_after_thirty_idle_minutes(clock, facilitator, case):
    client = logged_in(facilitator)
    clock.shift(timedelta(minutes=29))
    assert console_status(client, case) == 200  # activity: the half hour starts again
    clock.shift(timedelta(minutes=29))
    assert console_status(client, case) == 200
    clock.shift(timedelta(minutes=30, seconds=1))
    response = client.get(reverse("casework:console", args=[case.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    login = client.get(response.url).content.decode()
    assert "You were logged out after 30 minutes without activity." in login
    assert not Session.objects.exists()  # the ended session is deleted, not kept for 12 hours


def test_the_idle_time_out_is_configurable(clock, settings, facilitator, case):
    settings.SESSION_IDLE_TIMEOUT = 10 * 60
    client = logged_in(facilitator)
    clock.shift(timedelta(minutes=10, seconds=1))
    assert console_status(client, case) == 302


def test_the_session_row_ends_when_the_idle_time_out_does(clock, facilitator):
    """What the beamer's one-query poll and `clearsessions` rely on."""
    client = logged_in(facilitator)
    row = Session.objects.get(session_key=client.cookies["sessionid"].value)
    assert row.expire_date == START + timedelta(minutes=30)


def test_a_session_ends_twelve_hours_after_the_login_whatever_the_activity(
    clock, facilitator, case
):
    client = logged_in(facilitator)
    for _ in range(12 * 4 - 1):  # busy all day: a request every 15 minutes
        clock.shift(timedelta(minutes=15))
        assert console_status(client, case) == 200
    row = Session.objects.get(session_key=client.cookies["sessionid"].value)
    assert row.expire_date <= START + timedelta(hours=12)
    clock.shift(timedelta(minutes=15))  # 12 hours after the login
    response = client.get(reverse("casework:console", args=[case.pk]))
    assert response.status_code == 302
    assert "a login lasts 12 hours at most" in client.get(response.url).content.decode()


def test_an_htmx_request_after_the_time_out_gets_401_and_keeps_nothing(clock, facilitator, case):
    client = logged_in(facilitator)
    clock.shift(timedelta(minutes=31))
    response = client.post(
        reverse("casework:save_presentation", args=[case.pk]), {"strengths": "Kookt graag"}, **HTMX
    )
    assert response.status_code == 401 and response["X-Akad-Reason"] == "expired"
    case.refresh_from_db()
    assert case.strengths == ""


def tip_data(case, text: str) -> dict:
    goal = case.goals.order_by("domain__order").last()
    column = case.meeting.network.matrix.columns.order_by("order").last()
    return (
        {
            "key": "6a1f3c3e-7f0e-4a53-9a55-8f0f2b9a1c11",
            "text": text,
            "domain": str(goal.domain_id),
            "column": str(column.pk),
            "given_by": "Buurman Piet",
        },
        goal,
        column,
    )


def test_a_tip_sent_without_javascript_after_the_time_out_comes_back_after_the_login(
    clock, facilitator, case
):
    go_to_step(case=case, step=Step.TIPS)
    client = logged_in(facilitator)
    console = reverse("casework:console", args=[case.pk])
    assert client.get(console).status_code == 200
    clock.shift(timedelta(minutes=45))  # the meeting ran on; the laptop's session ended
    data, goal, column = tip_data(case, "Samen boodschappen doen op dinsdag")
    response = client.post(
        reverse("casework:add_tip", args=[case.pk]),
        data,
        HTTP_REFERER=f"http://testserver{console}",
    )
    # To the login, which will return to the console (not to the POST-only tip URL: 405).
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={console.replace('/', '%2F')}"
    login_page = client.get(response.url).content.decode()
    assert "what you typed is kept for you" in login_page
    assert not case.tips.exists()

    response = client.post(
        response.url, {"username": facilitator.email, "password": PASSWORD, "next": console}
    )
    assert response.status_code == 302 and response.url == console
    html = client.get(console).content.decode()
    assert "back in the form: check it and send it" in html
    assert 'value="Samen boodschappen doen op dinsdag"' in html
    assert 'value="Buurman Piet"' in html
    assert f'<option value="{goal.domain_id}" data-number="2" selected>' in html
    assert f'value="{column.pk}" data-letter="c" selected>' in html
    assert "csrfmiddlewaretoken" not in str(client.session.get("akad.kept_post"))
    # Shown once: the next visit is the console as usual, and nothing was sent by itself.
    assert "Samen boodschappen" not in client.get(console).content.decode()
    assert not case.tips.exists()


def test_presentation_text_sent_without_javascript_comes_back_after_the_login(
    clock, facilitator, case
):
    go_to_step(case=case, step=Step.PRESENTATION)
    client = logged_in(facilitator)
    console = reverse("casework:console", args=[case.pk])
    clock.shift(timedelta(minutes=40))
    client.post(
        reverse("casework:save_presentation", args=[case.pk]),
        {"situation": "Woont alleen sinds de zomer", "strengths": "Tuiniert graag"},
        HTTP_REFERER=f"http://testserver{console}",
    )
    case.refresh_from_db()
    assert case.situation == ""  # not saved: the session had ended
    client.post(
        reverse("accounts:login"),
        {"username": facilitator.email, "password": PASSWORD, "next": console},
    )
    html = client.get(console).content.decode()
    assert ">Woont alleen sinds de zomer</textarea>" in html
    assert ">Tuiniert graag</textarea>" in html


def test_kept_text_is_never_shown_to_someone_else(clock, facilitator, noord, case):
    """A shared laptop: another lead logs in after the facilitator's session ended."""
    from networks.models import Role
    from tests.factories import MembershipFactory

    other = MembershipFactory(network=noord, role=Role.FACILITATOR).user
    go_to_step(case=case, step=Step.TIPS)
    client = logged_in(facilitator)
    console = reverse("casework:console", args=[case.pk])
    clock.shift(timedelta(minutes=31))
    data, _goal, _column = tip_data(case, "Een tip van de facilitator")
    client.post(
        reverse("casework:add_tip", args=[case.pk]),
        data,
        HTTP_REFERER=f"http://testserver{console}",
    )
    client.post(
        reverse("accounts:login"), {"username": other.email, "password": PASSWORD, "next": console}
    )
    assert "Een tip van de facilitator" not in client.get(console).content.decode()


@pytest.mark.parametrize(
    "referer", ["", "https://evil.example/cases/1/", "http://testserver.evil.example/"]
)
def test_without_a_same_origin_referer_the_login_goes_home_not_to_a_405(
    clock, facilitator, case, referer
):
    client = logged_in(facilitator)
    clock.shift(timedelta(minutes=31))
    data, _goal, _column = tip_data(case, "Een tip")
    headers = {"HTTP_REFERER": referer} if referer else {}
    response = client.post(reverse("casework:add_tip", args=[case.pk]), data, **headers)
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert "akad.kept_post" not in client.session


def test_passwords_are_never_kept(clock, facilitator):
    client = logged_in(facilitator)
    clock.shift(timedelta(minutes=31))
    page = reverse("accounts:password_change")
    client.post(
        page,
        {"old_password": PASSWORD, "new_password1": "x", "new_password2": "x"},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert "akad.kept_post" not in client.session


def test_beamer_polls_do_not_keep_a_session_alive_but_a_running_meeting_does(
    clock, case_bringer, case
):
    """The decision in akad.middleware: an unchanged poll is not activity (not even when it
    renews its 10-minute pass), a poll that finds a change is."""
    import re

    from sessions.services.versions import touch

    go_to_step(case=case, step=Step.TIPS)
    client = logged_in(case_bringer)
    html = client.get(reverse("casework:beamer", args=[case.meeting_id])).content.decode()
    poll = {"url": re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")}

    def poll_every_five_minutes(times: int):
        for _ in range(times):
            clock.shift(timedelta(minutes=5))
            response = client.get(poll["url"], **HTMX)
            found = re.search(r'hx-get="([^"]+)"', response.content.decode())
            if found:  # new content (a change, or a renewed pass) polls with a new URL
                poll["url"] = found.group(1).replace("&amp;", "&")
        return response

    for _ in range(4):  # two hours of meeting: the console changes something every 25 minutes
        assert poll_every_five_minutes(5).status_code in (200, 204)
        touch(case.meeting_id)
    # Nobody runs the meeting any more: the polls alone end the session half an hour later.
    assert poll_every_five_minutes(5).status_code in (200, 204)
    response = poll_every_five_minutes(2)
    assert response.headers["HX-Redirect"].startswith(reverse("accounts:login"))


def test_clearsessions_removes_a_session_half_an_hour_after_its_last_activity(clock, facilitator):
    """The nightly clean-up (README, Production) keeps no ended login around for 12 hours."""
    from django.core.management import call_command

    logged_in(facilitator)
    clock.shift(timedelta(minutes=29))
    call_command("clearsessions")
    assert Session.objects.count() == 1
    clock.shift(timedelta(minutes=2))
    call_command("clearsessions")
    assert Session.objects.count() == 0


def test_login_records_expire_with_axes_reset_logs(clock, facilitator):
    """django-axes logs each login (address, browser): `axes_reset_logs --age 30` nightly."""
    from io import StringIO

    from axes.models import AccessAttempt, AccessLog
    from django.core.management import call_command

    logged_in(facilitator)
    Client().post(reverse("accounts:login"), {"username": facilitator.email, "password": "x"})
    assert AccessLog.objects.count() == 1 and AccessAttempt.objects.count() == 1
    clock.shift(timedelta(days=31))
    call_command("axes_reset_logs", age=30, stdout=StringIO())
    assert not AccessLog.objects.exists()
    # Failed attempts end with the hour's cool-off: removed at the next login attempt.
    logged_in(facilitator)
    assert not AccessAttempt.objects.exists()


def test_a_session_without_a_login_lasts_while_it_is_used_and_ends_when_idle(clock, db):
    """Such as a guest's, or a login waiting for its code: the same time-outs apply."""
    client = Client()
    session = client.session
    session["guest"] = "deelnemer"
    session.save()
    client.cookies["sessionid"] = session.session_key
    for _ in range(5):  # used every 20 minutes for 100 minutes
        clock.shift(timedelta(minutes=20))
        assert client.get(reverse("accounts:login")).status_code == 200
        assert client.session.get("guest") == "deelnemer"
    clock.shift(timedelta(minutes=31))
    client.get(reverse("accounts:login"))
    assert client.session.get("guest") is None
