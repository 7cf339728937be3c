"""Two-factor sign-in: who must use it, setting up an app, logging in with its code or a
recovery code, and sessions that lack a factor they need (networks.two_factor)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from networks import access, two_factor
from networks.models import Role
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


# Setting up an app at the login ------------------------------------------------------------


def test_a_coordinator_without_an_app_sets_one_up_before_anything_else(clock, coordinator, case):
    client = english()
    response = password_step(client, coordinator, next=reverse("casework:meeting_list"))
    assert response.status_code == 302 and response.url == reverse("accounts:two_factor_setup")
    assert logged_in_as(client) is None  # the password alone logs nobody in
    for url in (
        reverse("casework:home"),
        reverse("casework:console", args=[case.pk]),
        reverse("accounts:account"),
        "/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url

    page = client.get(reverse("accounts:two_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg width="' in html and "QR code for your authenticator app" in html
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert two_factor.secret_in_groups(device) in html
    assert "you can do nothing else before it is done" in html
    # The same QR code on a reload (the phone may have scanned the first one).
    client.get(reverse("accounts:two_factor_setup"))
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1

    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.content.decode()
    assert logged_in_as(client) is None

    clock.shift(timedelta(seconds=5))  # django-otp lets the next code wait a second
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_of(device)})
    assert response.status_code == 302 and response.url == reverse("accounts:recovery_codes")
    assert logged_in_as(client) == str(coordinator.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    device.refresh_from_db()
    assert device.confirmed

    codes_page = client.get(reverse("accounts:recovery_codes")).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4} [a-z2-7]{4})</code>", codes_page)
    assert len(codes) == 10 == len(set(codes))
    assert f'href="{reverse("casework:meeting_list")}"' in codes_page  # then where they were going
    # Shown once: a reload does not show them again.
    again = client.get(reverse("accounts:recovery_codes"))
    assert again.status_code == 302 and again.url == reverse("accounts:account")
    assert client.get(reverse("casework:meeting_list")).status_code == 200


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
    assert password_step(client, facilitator).url == reverse("accounts:two_factor_setup")


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
