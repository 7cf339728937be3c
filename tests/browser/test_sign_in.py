"""Signing in as a person does it: two-factor sign-in set up and used, its pages accessible,
and a tip sent without JavaScript after the session ended, back after the login."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from networks.models import Role
from sessions.models import Step, Tip
from sessions.services.live import go_to_step
from tests.factories import PASSWORD, MembershipFactory

from .conftest import axe_violations, noord_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: {violations}"


def password_step(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit].primary").click()


def test_a_coordinator_sets_up_two_factor_sign_in_and_logs_in_with_a_recovery_code(
    page, live_server
):
    case = noord_case("financien")
    coordinator = MembershipFactory(
        network=case.meeting.network, role=Role.COORDINATOR, user__email="coord@noord.example"
    ).user
    errors = []
    page.on("console", lambda message: errors.append(message.text))

    password_step(page, live_server, coordinator.email)
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/$"))
    expect(page.locator("h1")).to_have_text("Inloggen in twee stappen instellen")
    expect(page.locator("figure.qr svg")).to_be_visible()
    assert_accessible(page, "two-factor setup")

    device = TOTPDevice.objects.get(user=coordinator)
    page.fill("#id_code", str(totp(device.bin_key)).zfill(6))
    page.get_by_role("button", name="Inloggen in twee stappen aanzetten").click()
    page.wait_for_url(re.compile(r"/recovery-codes/$"))
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="Ik heb ze bewaard: verder").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name=re.compile("Gebruiker")).click()  # the name, top right
    expect(page.locator("h1")).to_have_text("Je account")
    expect(page.locator("main")).to_contain_text("Nog 10 herstelcodes over.")
    assert_accessible(page, "account page")

    page.get_by_role("button", name="Uitloggen").click()
    password_step(page, live_server, coordinator.email)
    page.wait_for_url(re.compile(r"/accounts/login/code/$"))
    assert_accessible(page, "code step")
    page.fill("#id_code", "0000 00")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("#code-error")).to_contain_text("Die code klopt niet")
    page.wait_for_timeout(1500)  # django-otp lets the next try wait a second
    page.fill("#id_code", codes[0])
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".messages[role=status]")).to_contain_text("er zijn er nog 9 over")
    assert not [e for e in errors if "Content Security Policy" in e or "Permissions" in e]


def test_a_tip_sent_without_javascript_after_the_session_ended_comes_back(browser, live_server):
    case = noord_case("financien", "sociaal-netwerk")
    go_to_step(case=case, step=Step.TIPS)
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    password_step(page, live_server, "facilitator@noord.example")
    page.wait_for_url(f"{live_server.url}/")
    console = f"{live_server.url}{reverse('casework:console', args=[case.pk])}"
    page.goto(console)

    page.fill("#id_text", "Samen naar de markt op zaterdag")
    social = page.locator("#id_domain option", has_text="Sociaal netwerk").get_attribute("value")
    page.select_option("#id_domain", value=social)
    page.fill("#id_given_by", "Buurvrouw Ans")
    Session.objects.all().delete()  # meanwhile the session ended on the server
    page.get_by_role("button", name=re.compile("Tip toevoegen")).click()

    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator(".messages[role=status]")).to_contain_text("je tekst is bewaard")
    page.fill("#id_username", "facilitator@noord.example")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit].primary").click()

    page.wait_for_url(console)  # the page the form was on, not an empty 405
    expect(page.locator(".messages[role=status]")).to_contain_text("staat weer in het formulier")
    expect(page.locator("#id_text")).to_have_value("Samen naar de markt op zaterdag")
    expect(page.locator("#id_given_by")).to_have_value("Buurvrouw Ans")
    expect(page.locator("#id_domain option:checked")).to_contain_text("Sociaal netwerk")
    assert not Tip.objects.exists()  # nothing was sent by itself

    page.get_by_role("button", name=re.compile("Tip toevoegen")).click()
    page.wait_for_url(console)
    expect(page.locator(".placemat")).to_contain_text("Samen naar de markt op zaterdag")
    assert Tip.objects.get().given_by == "Buurvrouw Ans"
    context.close()
