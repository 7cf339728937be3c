"""Two-factor sign-in: who must use it, setting up an app (a first one only with a set-up
link, for someone who must use it), logging in with its code or a recovery code, resetting a
lost phone, and sessions that lack a factor they need (networks.two_factor, setup_links)."""

import hashlib
import logging
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from networks import access, setup_links, two_factor, views
from networks.models import Role, SetupLink
from tests.clients import password_only_login
from tests.factories import PASSWORD, MembershipFactory, UserFactory

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_of(device: TOTPDevice) -> str:
    """What the user's app shows now (the clock is frozen)."""
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(6)


def english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def password_step(client: Client, user, **extra):
    return client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD, **extra}
    )


def logged_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def events(caplog) -> list[tuple[str, str]]:
    """The named security events written (networks.access.log_sign_in_event)."""
    return [
        (record.akad_event, record.akad_fields["user"])
        for record in caplog.records
        if record.name == "akad.security"
    ]


def with_app(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    two_factor.new_recovery_codes(user)
    return device


# Who must use it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, staff, superuser, required",
    [
        (Role.MEMBER, False, False, False),
        (Role.FACILITATOR, False, False, False),
        (Role.COORDINATOR, False, False, True),
        (Role.MEMBER, True, False, True),  # platform administrators
        (Role.MEMBER, False, True, True),
    ],
)
def test_the_rule_per_role(noord, role, staff, superuser, required):
    user = MembershipFactory(
        network=noord, role=role, user__is_staff=staff, user__is_superuser=superuser
    ).user
    assert access.must_use_two_factor(user) is required


def test_a_network_can_require_it_of_all_its_members(noord, zuid, facilitator):
    MembershipFactory(network=zuid, user=facilitator, role=Role.MEMBER)
    assert not access.must_use_two_factor(facilitator)
    zuid.require_two_factor = True
    zuid.save()
    assert access.must_use_two_factor(facilitator)  # a member of one network that asks it
    zuid.memberships.filter(user=facilitator).delete()
    assert not access.must_use_two_factor(facilitator)


def test_the_network_setting_is_in_the_admin(client, db):
    from networks.models import User

    client.force_login(User.objects.create_superuser("beheer@test.example", password=None))
    html = client.get(reverse("admin:networks_network_add")).content.decode()
    assert 'name="require_two_factor"' in html


# Without a second factor -------------------------------------------------------------------


def test_a_facilitator_without_an_app_logs_in_with_the_password_alone(facilitator):
    client = english()
    response = password_step(client, facilitator)
    assert response.status_code == 302 and response.url == reverse("casework:home")
    assert logged_in_as(client) == str(facilitator.pk)


# The password alone sets up nothing (issue 10) ----------------------------------------------


def test_the_password_alone_of_a_coordinator_without_an_app_logs_nobody_in(
    clock, coordinator, case, caplog
):
    """The old attack: someone with only a coordinator's password, at the coordinator's first
    login, set up their own app and owned the account. Now nobody is logged in, no login
    waits for a second step, and no app can be set up."""
    client = english()
    with caplog.at_level(logging.INFO, logger="akad.security"):
        response = password_step(client, coordinator, next=reverse("casework:meeting_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your account needs a sign-in app" in html
    assert "Ask your coordinator for a set-up link." in html
    assert logged_in_as(client) is None
    assert two_factor.PENDING not in client.session
    assert events(caplog) == [("login_refused_without_app", coordinator.email)]

    for url in (
        reverse("casework:home"),
        reverse("casework:console", args=[case.pk]),
        reverse("accounts:account"),
        reverse("accounts:two_factor_verify"),
        reverse("accounts:two_factor_setup"),
        "/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url
    # Whatever they send to the set-up pages: no app comes of it.
    for url in (reverse("accounts:two_factor_setup"), reverse("accounts:setup_with_link")):
        client.post(url, {"code": "123456", "password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert logged_in_as(client) is None


def test_the_page_says_it_in_dutch_by_default(coordinator):
    html = password_step(Client(), coordinator).content.decode()
    assert "Je account heeft een inlog-app nodig" in html
    assert "Vraag je coördinator om een instellink." in html


def test_a_wrong_password_still_says_only_that_it_is_wrong(coordinator):
    """The page is shown only after the right password: it tells a guesser nothing."""
    response = english().post(
        reverse("accounts:login"), {"username": coordinator.email, "password": "niet dit"}
    )
    assert response.status_code == 200
    assert "needs a sign-in app" not in response.content.decode()


def test_a_member_the_rule_begins_to_apply_to_cannot_set_up_an_app_in_that_session(
    noord, facilitator
):
    """Within the five minutes before the middleware looks again, the account page's set-up
    refuses too: from the moment the rule applies, only a set-up link sets up an app."""
    client = english()
    password_step(client, facilitator)
    noord.require_two_factor = True
    noord.save()
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 403
    assert "ask your coordinator for a set-up link" in response.content.decode().lower()
    client.post(reverse("accounts:two_factor_setup"), {"code": "123456"})
    assert not TOTPDevice.objects.filter(user=facilitator).exists()


# Setting up with a set-up link -------------------------------------------------------------


def open_link(client: Client, new: setup_links.NewLink):
    return client.get(new.path)


def flow_device(user) -> TOTPDevice:
    """The app device the set-up shows (the QR code the person scans)."""
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_a_set_up_link_sets_up_the_app_once_and_logs_in(clock, noord, coordinator, caplog):
    other = MembershipFactory(network=noord, role=Role.COORDINATOR).user
    new = setup_links.create_link(user=coordinator, by=other)
    client = english()
    with caplog.at_level(logging.INFO, logger="akad.security"):
        response = open_link(client, new)
        # The token leaves the address bar: the set-up goes on at an address without it.
        assert response.status_code == 302 and response.url == reverse("accounts:setup_with_link")
        assert new.token not in response.url
        assert logged_in_as(client) is None  # the link alone logs nobody in
        assert client.get(reverse("casework:home")).status_code == 302

        page = client.get(response.url)
        html = page.content.decode()
        assert page.status_code == 200
        assert coordinator.email in html
        assert 'name="password"' in html and 'autocomplete="current-password"' in html
        assert '<svg width="' in html and "QR code for your authenticator app" in html
        device = flow_device(coordinator)
        assert two_factor.secret_in_groups(device) in html
        # The same QR code on a reload (the phone may have scanned the first one).
        assert two_factor.secret_in_groups(device) in client.get(response.url).content.decode()
        assert TOTPDevice.objects.filter(user=coordinator).count() == 1

        # The right password and a wrong code: the password is done, the code again.
        wrong = client.post(response.url, {"password": PASSWORD, "code": "000000"})
        assert wrong.status_code == 422
        html = wrong.content.decode()
        assert "That code is not right" in html and 'name="password"' not in html
        assert logged_in_as(client) is None

        clock.shift(timedelta(seconds=5))  # django-otp lets the next code wait a second
        done = client.post(response.url, {"code": code_of(device)})
    assert done.status_code == 302 and done.url == reverse("accounts:recovery_codes")
    assert logged_in_as(client) == str(coordinator.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    device.refresh_from_db()
    assert device.confirmed
    new.link.refresh_from_db()
    assert new.link.used_at is not None and new.link.created_by == other

    codes_page = client.get(reverse("accounts:recovery_codes")).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4} [a-z2-7]{4})</code>", codes_page)
    assert len(codes) == 10 == len(set(codes))
    assert f'href="{reverse("casework:home")}"' in codes_page
    again = client.get(reverse("accounts:recovery_codes"))  # shown once
    assert again.status_code == 302 and again.url == reverse("accounts:account")
    assert client.get(reverse("casework:meeting_list")).status_code == 200
    assert events(caplog) == [
        ("setup_link_created", coordinator.email),
        ("setup_link_used", coordinator.email),
    ]

    # Once: the same link in another browser, and in this one, is refused with a message.
    for browser in (english(), client):
        refused = open_link(browser, new)
        assert refused.status_code == 410
        assert "This set-up link has been used already" in refused.content.decode()

    # From now on the login asks for the code of that app.
    client.post(reverse("accounts:logout"))
    assert password_step(client, coordinator).url == reverse("accounts:two_factor_verify")
    clock.shift(timedelta(seconds=30))
    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    assert logged_in_as(client) == str(coordinator.pk)


def test_an_account_without_a_password_chooses_one_in_the_set_up(clock, noord):
    """A new coordinator whose account the operator made without a password."""
    user = MembershipFactory(network=noord, role=Role.COORDINATOR).user
    user.set_unusable_password()
    user.save()
    new = setup_links.create_link(user=user, by_name="test")
    client = english()
    url = open_link(client, new).url
    html = client.get(url).content.decode()
    assert 'name="new_password1"' in html and 'name="password"' not in html

    device = flow_device(user)
    differ = client.post(
        url,
        {"new_password1": "een-eigen-wachtwoord-7", "new_password2": "iets anders", "code": "1"},
    )
    assert "The two passwords are not the same." in differ.content.decode()
    weak = client.post(url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 422 and "too common" in weak.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()

    chosen = "een-eigen-wachtwoord-7"
    response = client.post(
        url, {"new_password1": chosen, "new_password2": chosen, "code": code_of(device)}
    )
    assert response.status_code == 302 and response.url == reverse("accounts:recovery_codes")
    assert logged_in_as(client) == str(user.pk)
    user.refresh_from_db()
    assert user.check_password(chosen)


def test_the_set_up_asks_for_the_password_of_the_links_own_account(clock, noord, coordinator):
    """Another person's link does not become theirs: it sets up the link's account, and asks
    for that account's password, not the one of whoever opened it."""
    someone = MembershipFactory(network=noord, role=Role.COORDINATOR).user
    someone.set_password("het wachtwoord van iemand anders")
    someone.save()
    new = setup_links.create_link(user=coordinator, by_name="test")
    client = english()
    url = open_link(client, new).url
    device = flow_device(coordinator)
    response = client.post(
        url, {"password": "het wachtwoord van iemand anders", "code": code_of(device)}
    )
    assert response.status_code == 422
    assert "That is not the password of this account." in response.content.decode()
    assert logged_in_as(client) is None
    device.refresh_from_db()
    assert not device.confirmed
    assert not TOTPDevice.objects.filter(user=someone).exists()


def test_wrong_passwords_in_the_set_up_count_as_failed_logins(clock, coordinator):
    new = setup_links.create_link(user=coordinator, by_name="test")
    client = english()
    url = open_link(client, new).url
    for _attempt in range(4):
        assert client.post(url, {"password": "geraden", "code": "123456"}).status_code == 422
    assert client.post(url, {"password": "geraden", "code": "123456"}).status_code == 429
    # Locked like a login: the right password gets no further now.
    device = flow_device(coordinator)
    assert client.post(url, {"password": PASSWORD, "code": code_of(device)}).status_code == 429
    assert logged_in_as(client) is None
    assert password_step(english(), coordinator).status_code == 429


def test_a_link_for_another_account_is_refused_while_logged_in(facilitator, coordinator):
    new = setup_links.create_link(user=coordinator, by_name="test")
    client = english()
    client.force_login(facilitator)
    response = open_link(client, new)
    assert response.status_code == 403
    assert "This set-up link is for another account" in response.content.decode()
    assert setup_links.FLOW not in client.session
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    new.link.refresh_from_db()
    assert new.link.used_at is None  # it still works for its own person


def test_an_expired_link_is_refused(clock, coordinator):
    new = setup_links.create_link(user=coordinator, by_name="test")
    clock.shift(timedelta(hours=settings.SETUP_LINK_HOURS, seconds=1))
    response = open_link(english(), new)
    assert response.status_code == 410
    assert "This set-up link has expired: a link works for 72 hours." in response.content.decode()


def test_a_link_that_expires_during_the_set_up_is_refused(clock, coordinator):
    new = setup_links.create_link(user=coordinator, by_name="test")
    clock.shift(timedelta(hours=settings.SETUP_LINK_HOURS, minutes=-1))
    client = english()
    url = open_link(client, new).url
    device = flow_device(coordinator)
    clock.shift(timedelta(minutes=2))
    response = client.post(url, {"password": PASSWORD, "code": code_of(device)})
    assert response.status_code == 410 and "has expired" in response.content.decode()
    assert logged_in_as(client) is None
    device.refresh_from_db()
    assert not device.confirmed


def test_a_newer_link_replaces_the_older(coordinator):
    old = setup_links.create_link(user=coordinator, by_name="test")
    new = setup_links.create_link(user=coordinator, by_name="test")
    response = open_link(english(), old)
    assert response.status_code == 410
    assert "replaced by a newer one" in response.content.decode()
    assert open_link(english(), new).status_code == 302


def test_the_link_used_in_another_browser_meanwhile(clock, coordinator):
    new = setup_links.create_link(user=coordinator, by_name="test")
    first, second = english(), english()
    first_url = open_link(first, new).url
    second_url = open_link(second, new).url
    devices = list(TOTPDevice.objects.filter(user=coordinator).order_by("pk"))
    assert len(devices) == 2  # a device of its own per browser: no one sees another's secret
    first.post(first_url, {"password": PASSWORD, "code": code_of(devices[0])})
    assert logged_in_as(first) == str(coordinator.pk)
    response = second.post(second_url, {"password": PASSWORD, "code": code_of(devices[1])})
    assert response.status_code == 410 and "used already" in response.content.decode()
    assert logged_in_as(second) is None
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [devices[0]]


def test_a_set_up_waits_at_most_half_an_hour(clock, coordinator):
    new = setup_links.create_link(user=coordinator, by_name="test")
    client = english()
    url = open_link(client, new).url
    clock.shift(timedelta(minutes=setup_links.FLOW_MINUTES, seconds=1))
    response = client.get(url)
    assert response.status_code == 410
    assert "Open your set-up link again" in response.content.decode()
    assert open_link(client, new).status_code == 302  # the link itself still works


def test_an_unknown_token_is_refused_and_guessing_is_throttled(clock, coordinator, caplog):
    new = setup_links.create_link(user=coordinator, by_name="test")
    client = english()
    with caplog.at_level(logging.INFO, logger="akad.security"):
        for attempt in range(views.WRONG_LINKS.allowed - 1):
            guess = reverse("accounts:setup_link", kwargs={"token": f"geraden{attempt}"})
            response = client.get(guess)
            assert response.status_code == 404, attempt
            assert "This set-up link does not work." in response.content.decode()
        last = client.get(reverse("accounts:setup_link", kwargs={"token": "nog-een"}))
        assert last.status_code == 429
        assert "Too many set-up links that did not work" in last.content.decode()
        # Meanwhile no token is tried, not even a right one (from this address).
        assert open_link(client, new).status_code == 429
        assert open_link(Client(REMOTE_ADDR="10.1.2.3"), new).status_code == 302
    assert "setup_link_throttled" in [name for name, _user in events(caplog)]
    clock.shift(timedelta(seconds=views.WRONG_LINKS.wait + 1))
    assert open_link(client, new).status_code == 302


def test_tokens_are_stored_hashed(coordinator):
    new = setup_links.create_link(user=coordinator, by_name="test")
    row = SetupLink.objects.filter(pk=new.link.pk).values().get()
    assert row["token_hash"] == hashlib.sha256(new.token.encode()).hexdigest()
    assert not any(new.token in str(value) for value in row.values())
    assert len(new.token) >= 43  # 32 random bytes
    assert setup_links.find(new.token) == new.link
    assert setup_links.find(row["token_hash"]) is None  # the hash itself opens nothing


def test_the_management_command_prints_a_working_link(clock, coordinator):
    out = StringIO()
    call_command(
        "setup_link", coordinator.email.upper(), "--base-url", "https://akad.test/", stdout=out
    )
    url = out.getvalue().strip().splitlines()[-1]
    assert url.startswith("https://akad.test/accounts/setup/")
    link = SetupLink.objects.get(user=coordinator)
    assert link.created_by is None and link.created_by_name == "manage.py setup_link"

    client = english()
    response = client.get(url.removeprefix("https://akad.test"))
    assert response.status_code == 302
    device = flow_device(coordinator)
    response = client.post(response.url, {"password": PASSWORD, "code": code_of(device)})
    assert response.url == reverse("accounts:recovery_codes")
    assert logged_in_as(client) == str(coordinator.pk)


def test_the_management_command_resets_a_lost_phone(coordinator):
    with_app(coordinator)
    out = StringIO()
    call_command("setup_link", coordinator.email, "--reset", stdout=out)
    assert "were removed" in out.getvalue()
    assert out.getvalue().strip().splitlines()[-1].startswith(settings.SITE_URL)
    assert not two_factor.has_app(coordinator)
    assert two_factor.recovery_codes_left(coordinator) == 0
    assert SetupLink.objects.get(user=coordinator).reset_devices


def test_the_management_command_refuses_an_unknown_address(db):
    with pytest.raises(CommandError, match="No account"):
        call_command("setup_link", "niemand@example.org", stdout=StringIO())


# Who makes set-up links, and resetting a lost phone ----------------------------------------


def test_a_coordinator_resets_a_lost_phone_and_the_new_link_sets_up_a_new_app(
    clock, noord, coordinator, caplog
):
    colleague = MembershipFactory(network=noord, role=Role.COORDINATOR).user
    old_device = with_app(colleague)
    thief = english()
    password_step(thief, colleague)  # the lost phone and the password: logged in
    thief.post(reverse("accounts:two_factor_verify"), {"code": code_of(old_device)})
    assert thief.get(reverse("casework:home")).status_code == 200

    manager = english()
    manager.force_login(coordinator)
    page = reverse("accounts:sign_in_of_members", args=[noord.pk])
    html = manager.get(page).content.decode()
    assert colleague.email in html and "app set up" in html
    with caplog.at_level(logging.INFO, logger="akad.security"):
        response = manager.post(
            reverse("accounts:make_setup_link", args=[noord.pk]),
            {"member": colleague.pk, "reset": "1"},
        )
    assert response.status_code == 302 and response.url == page
    assert [name for name, _user in events(caplog)] == ["two_factor_reset", "setup_link_created"]
    assert not two_factor.has_app(colleague)
    assert two_factor.recovery_codes_left(colleague) == 0
    # The lost phone's session ends at once (its device is gone).
    assert thief.get(reverse("casework:home")).status_code == 302

    html = manager.get(page).content.decode()
    url = re.search(r'<code class="setup-link">([^<]+)</code>', html).group(1)
    assert "Their app and recovery codes have been removed." in html
    assert "setup-link" not in manager.get(page).content.decode()  # shown once
    link = SetupLink.objects.get(user=colleague)
    assert link.reset_devices and link.created_by == coordinator

    # The password alone no longer logs in; the new link sets up the new phone.
    assert password_step(english(), colleague).status_code == 403
    client = english()
    setup = client.get(url.removeprefix("http://testserver"))
    device = flow_device(colleague)
    client.post(setup.url, {"password": PASSWORD, "code": code_of(device)})
    assert logged_in_as(client) == str(colleague.pk)


def test_the_coordinators_page_shows_who_still_needs_a_link(noord, coordinator, facilitator):
    newcomer = MembershipFactory(network=noord, role=Role.COORDINATOR).user
    staff = MembershipFactory(network=noord, role=Role.MEMBER, user__is_staff=True).user
    with_app(facilitator)
    setup_links.create_link(user=newcomer, by_name="test")
    client = english()
    client.force_login(coordinator)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = reverse("accounts:sign_in_of_members", args=[noord.pk])
    with CaptureQueriesContext(connection) as few:
        response = client.get(page)
    MembershipFactory.create_batch(5, network=noord, role=Role.COORDINATOR)
    with CaptureQueriesContext(connection) as more:
        client.get(page)
    assert len(more) == len(few)  # one query for the list, whatever its length
    rows = {
        email: row
        for row in re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S)
        for email in re.findall(r'<span class="muted">([^<]+@[^<]+)</span>', row)
    }
    assert "required, no app yet" in rows[newcomer.email] and "valid until" in rows[newcomer.email]
    assert "app set up" in rows[facilitator.email] and "Reset app" in rows[facilitator.email]
    assert "Make set-up link" not in rows[coordinator.email]  # not for oneself
    assert "Make set-up link" not in rows[staff.email]  # a platform administrator: the operator's
    assert "required, no app yet" in rows[staff.email]


@pytest.mark.parametrize(
    "who, status",
    [("facilitator", 403), ("outsider", 404), ("coordinator", 302)],
)
def test_only_the_networks_coordinator_makes_links(request, noord, case_bringer, who, status):
    client = english()
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("accounts:make_setup_link", args=[noord.pk]), {"member": case_bringer.pk}
    )
    assert response.status_code == status
    assert SetupLink.objects.filter(user=case_bringer).exists() is (status == 302)
    page = client.get(reverse("accounts:sign_in_of_members", args=[noord.pk]))
    assert page.status_code == (200 if status == 302 else status)


def test_the_rule_who_may_make_a_link(noord, zuid, coordinator, facilitator, outsider):
    operator = UserFactory(is_staff=True, is_superuser=True)
    staff = MembershipFactory(network=noord, user__is_staff=True).user
    both = MembershipFactory(network=noord).user
    MembershipFactory(network=zuid, user=both)
    assert access.may_issue_setup_link(coordinator, facilitator)
    assert access.may_issue_setup_link(coordinator, both)  # has a password: asked for it
    assert not access.may_issue_setup_link(coordinator, coordinator)  # not oneself
    assert not access.may_issue_setup_link(coordinator, staff)
    assert not access.may_issue_setup_link(coordinator, outsider)  # another network's
    assert not access.may_issue_setup_link(facilitator, coordinator)  # not a coordinator
    assert access.may_issue_setup_link(operator, staff) and access.may_issue_setup_link(
        operator, outsider
    )
    # Without a password, the link's holder chooses it: only for someone who coordinates
    # every network of the account.
    both.set_unusable_password()
    both.save()
    assert not access.may_issue_setup_link(coordinator, both)
    assert access.may_issue_setup_link(operator, both)
    facilitator.set_unusable_password()
    facilitator.save()
    assert access.may_issue_setup_link(coordinator, facilitator)


def test_the_admin_makes_links_and_resets_a_lost_phone(clock, noord, coordinator):
    from django.contrib.admin.models import LogEntry

    operator = UserFactory(is_staff=True, is_superuser=True)
    with_app(coordinator)
    client = english()
    client.force_login(operator)
    changelist = reverse("admin:networks_user_changelist")
    response = client.post(
        changelist,
        {"action": "reset_and_make_setup_links", "_selected_action": [coordinator.pk]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    url = re.search(r'<code class="setup-link">([^<]+)</code>', html).group(1)
    assert "Their apps and recovery codes have been removed." in html
    assert not two_factor.has_app(coordinator)
    assert LogEntry.objects.get(object_id=str(coordinator.pk)).change_message == (
        "Reset two-factor sign-in and made a set-up link"
    )
    link = SetupLink.objects.get(user=coordinator)
    assert link.created_by == operator and link.reset_devices
    # The record of links is there to read, not to change.
    record = client.get(reverse("admin:networks_setuplink_change", args=[link.pk]))
    assert record.status_code == 200 and link.token_hash not in record.content.decode()
    assert client.get(reverse("admin:networks_setuplink_add")).status_code == 403

    setup = english().get(url.removeprefix("http://testserver"))
    assert setup.status_code == 302


def test_a_staff_coordinator_gets_no_link_for_the_operator_in_the_admin(noord, coordinator):
    coordinator.is_staff = True
    coordinator.save()
    operator = MembershipFactory(network=noord, user__is_staff=True, user__is_superuser=True).user
    client = english()
    client.force_login(coordinator)
    client.post(
        reverse("admin:networks_user_changelist"),
        {"action": "make_setup_links", "_selected_action": [operator.pk]},
    )
    assert not SetupLink.objects.exists()


# Logging in with a code --------------------------------------------------------------------


def test_login_with_the_code_from_the_app(clock, coordinator):
    device = with_app(coordinator)
    client = english()
    response = password_step(client, coordinator)
    assert response.status_code == 302 and response.url == reverse("accounts:two_factor_verify")
    assert logged_in_as(client) is None
    assert client.get(reverse("casework:home")).status_code == 302

    response = client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    assert response.status_code == 302 and response.url == reverse("casework:home")
    assert logged_in_as(client) == str(coordinator.pk)
    assert client.get(reverse("casework:home")).status_code == 200


def test_a_wrong_code_is_refused_with_a_message(clock, coordinator):
    device = with_app(coordinator)
    client = english()
    password_step(client, coordinator)
    wrong = str((int(code_of(device)) + 1) % 1_000_000).zfill(6)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": wrong})
    assert response.status_code == 422
    html = response.content.decode()
    assert "That code is not right" in html and 'aria-invalid="true"' in html
    assert logged_in_as(client) is None
    # django-otp makes the next try wait (1, 2, 4 … seconds), and says how long.
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    assert re.search(r"wait \d seconds and try again", response.content.decode())
    assert logged_in_as(client) is None
    clock.shift(timedelta(seconds=2))
    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    assert logged_in_as(client) == str(coordinator.pk)


def test_the_dutch_message_for_a_wrong_code(clock, coordinator):
    with_app(coordinator)
    client = Client()
    password_step(client, coordinator)
    html = client.post(reverse("accounts:two_factor_verify"), {"code": "12"}).content.decode()
    assert "Die code klopt niet" in html


def test_a_code_works_once(clock, coordinator):
    """Someone who saw the code over a shoulder cannot use it after the user did."""
    device = with_app(coordinator)
    code = code_of(device)
    first = english()
    password_step(first, coordinator)
    first.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert logged_in_as(first) == str(coordinator.pk)
    second = english()
    password_step(second, coordinator)
    response = second.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert response.status_code == 422 and logged_in_as(second) is None


def test_wrong_codes_count_as_failed_logins(clock, coordinator):
    device = with_app(coordinator)
    client = english()
    password_step(client, coordinator)
    for n in range(4):
        clock.shift(timedelta(seconds=2**n + 1))  # past django-otp's growing wait
        client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    clock.shift(timedelta(seconds=20))
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    assert response.status_code == 429  # five failures: the account is locked (django-axes)
    clock.shift(timedelta(seconds=60))
    assert password_step(english(), coordinator).status_code == 429
    assert device.user_id == coordinator.pk


def test_the_code_step_expires(clock, coordinator):
    device = with_app(coordinator)
    client = english()
    password_step(client, coordinator)
    clock.shift(timedelta(minutes=two_factor.PENDING_MINUTES, seconds=1))
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert logged_in_as(client) is None
    assert "waited too long for its second step" in client.get(response.url).content.decode()


# Recovery codes ----------------------------------------------------------------------------


def test_a_recovery_code_works_once(clock, coordinator):
    with_app(coordinator)
    codes = two_factor.new_recovery_codes(coordinator)
    client = english()
    password_step(client, coordinator)
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": two_factor.format_code(codes[3])}
    )
    assert response.status_code == 302
    assert logged_in_as(client) == str(coordinator.pk)
    home = client.get(reverse("casework:home")).content.decode()
    assert "You used a recovery code; 9 are left." in home
    client.post(reverse("accounts:logout"))

    again = english()
    clock.shift(timedelta(minutes=1))
    password_step(again, coordinator)
    response = again.post(reverse("accounts:two_factor_verify"), {"code": codes[3]})
    assert response.status_code == 422 and logged_in_as(again) is None
    clock.shift(timedelta(seconds=5))
    again.post(reverse("accounts:two_factor_verify"), {"code": codes[4].upper()})
    assert logged_in_as(again) == str(coordinator.pk)


def test_new_recovery_codes_need_a_code_from_the_app_and_replace_the_old(clock, coordinator):
    device = with_app(coordinator)
    old = two_factor.new_recovery_codes(coordinator)
    client = english()
    client.force_login(coordinator)
    client.post(reverse("accounts:new_recovery_codes"), {"code": old[0]})  # not a recovery code
    assert two_factor.recovery_codes_left(coordinator) == 10
    assert two_factor.verify(coordinator, old[1]) is not None  # the old ones still work
    client.post(reverse("accounts:new_recovery_codes"), {"code": code_of(device)})
    new = re.findall(
        r"<code>([a-z2-7]{4} [a-z2-7]{4})</code>",
        client.get(reverse("accounts:recovery_codes")).content.decode(),
    )
    assert len(new) == 10
    assert two_factor.verify(coordinator, old[2]) is None


# From one's own account page ---------------------------------------------------------------


def test_anyone_can_turn_it_on_from_their_account_page_and_off_again(clock, facilitator):
    client = english()
    password_step(client, facilitator)
    account = client.get(reverse("accounts:account")).content.decode()
    assert "Off: you sign in with your password only." in account
    assert reverse("accounts:password_change") in account
    assert reverse("accounts:two_factor_setup") in account

    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=facilitator)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_of(device)})
    assert response.url == reverse("accounts:recovery_codes")
    assert len(re.findall(r"<code>", client.get(response.url).content.decode())) == 10
    assert "10 recovery codes left." in client.get(reverse("accounts:account")).content.decode()
    assert client.get(reverse("casework:home")).status_code == 200  # still logged in

    # From now on the login asks for the code.
    client.post(reverse("accounts:logout"))
    response = password_step(client, facilitator)
    assert response.url == reverse("accounts:two_factor_verify")
    clock.shift(timedelta(seconds=30))
    client.post(reverse("accounts:two_factor_verify"), {"code": code_of(device)})
    assert logged_in_as(client) == str(facilitator.pk)

    clock.shift(timedelta(seconds=30))
    client.post(reverse("accounts:two_factor_remove"), {"code": code_of(device)})
    assert not TOTPDevice.objects.filter(user=facilitator).exists()
    assert client.get(reverse("casework:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert password_step(client, facilitator).url == reverse("casework:home")


def test_a_coordinator_cannot_turn_it_off(clock, coordinator):
    device = with_app(coordinator)
    client = english()
    client.force_login(coordinator)
    client.post(reverse("accounts:two_factor_remove"), {"code": code_of(device)})
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    html = client.get(reverse("accounts:account")).content.decode()
    assert "it cannot be turned off" in html


# Sessions that lack a factor they need -----------------------------------------------------


def test_a_network_turning_it_on_sends_its_members_to_set_it_up(clock, noord, facilitator):
    client = english()
    password_step(client, facilitator)
    assert client.get(reverse("casework:home")).status_code == 200
    noord.require_two_factor = True
    noord.save()
    clock.shift(timedelta(minutes=5))  # the requirement is looked up again every 5 minutes
    response = client.get(reverse("casework:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert (
        "your account now asks for two-factor sign-in" in client.get(response.url).content.decode()
    )
    assert password_step(client, facilitator).status_code == 403  # a set-up link now


def test_a_session_without_the_factor_it_needs_is_no_login(coordinator, case):
    client = english()
    password_only_login(client, coordinator)  # as a session from before the rule
    response = client.get(reverse("casework:console", args=[case.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert logged_in_as(client) is None
    htmx = english()
    password_only_login(htmx, coordinator)
    response = htmx.post(
        reverse("casework:save_presentation", args=[case.pk]),
        {"strengths": "Kookt graag"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 401


def test_the_admin_asks_for_a_verified_second_factor(db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    unverified = english()
    password_only_login(unverified, admin)
    response = unverified.get("/admin/")
    assert response.status_code == 302 and "/login/" in response.url
    # The admin has no login form of its own: the app's login (with the code) is the way in.
    response = english().get(reverse("admin:login") + "?next=/admin/networks/network/")
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next=/admin/networks/network/"
    verified = english()
    verified.force_login(admin)  # tests/conftest.py: with a verified app
    assert verified.get("/admin/").status_code == 200


def test_the_admin_site_itself_refuses_an_unverified_staff_user(rf, db):
    """Also without the middleware: django-otp's OTPAdminSite checks the device."""
    from django.contrib import admin

    staff = UserFactory(is_staff=True, is_superuser=True)
    request = rf.get("/admin/")
    request.user = staff
    staff.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    staff.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_a_login_needs_no_extra_query_per_request(client, facilitator):
    """Whether a login needs a factor is kept in the session, not asked on every request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(facilitator)
    client.get(reverse("casework:home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("casework:home"))
    asked = [
        q["sql"]
        for q in queries
        if "otp_" in q["sql"] or "require_two_factor" in q["sql"].partition("WHERE")[2]
    ]
    assert asked == []
