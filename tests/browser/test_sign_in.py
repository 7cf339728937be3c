"""Signing in as a person does it: two-factor sign-in set up with a set-up link and used, its
pages accessible, a coordinator handing out a link and resetting a lost phone, and a tip sent
without JavaScript after the session ended, back after the login."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from networks import setup_links
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


def test_a_coordinator_sets_up_sign_in_with_a_link_and_logs_in_with_a_recovery_code(
    page, live_server
):
    case = noord_case("financien")
    coordinator = MembershipFactory(
        network=case.meeting.network, role=Role.COORDINATOR, user__email="coord@noord.example"
    ).user
    errors = []
    page.on("console", lambda message: errors.append(message.text))

    # The password alone: not logged in, and told what to do.
    password_step(page, live_server, coordinator.email)
    expect(page.locator("h1")).to_have_text("Je account heeft een inlog-app nodig")
    expect(page.locator("main")).to_contain_text("Vraag je coördinator om een instellink.")
    assert_accessible(page, "account needs a sign-in app")
    page.goto(f"{live_server.url}/")
    page.wait_for_url(re.compile(r"/accounts/login/"))

    # The link a coordinator (here: the service) made for them, handed over out of band.
    new = setup_links.create_link(user=coordinator, by_name="browser test")
    page.goto(f"{live_server.url}{new.path}")
    page.wait_for_url(re.compile(r"/accounts/setup/$"))  # the token left the address bar
    expect(page.locator("h1")).to_have_text("Je inloggen instellen")
    expect(page.locator("figure.qr svg")).to_be_visible()
    assert_accessible(page, "set-up with a link")

    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", "000000")
    page.get_by_role("button", name="Instellen en inloggen").click()
    expect(page.locator("#code-error")).to_contain_text("Die code klopt niet")
    expect(page.locator("#id_password")).to_have_count(0)  # the password is done
    assert_accessible(page, "set-up with a link, wrong code")
    page.wait_for_timeout(1500)  # django-otp lets the next try wait a second
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    page.fill("#id_code", str(totp(device.bin_key)).zfill(6))
    page.get_by_role("button", name="Instellen en inloggen").click()
    page.wait_for_url(re.compile(r"/recovery-codes/$"))
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="Ik heb ze bewaard: verder").click()
    page.wait_for_url(f"{live_server.url}/")

    # Once: the same link again is refused with a message.
    page.goto(f"{live_server.url}{new.path}")
    expect(page.locator("main")).to_contain_text("Deze instellink is al gebruikt")
    assert_accessible(page, "set-up link used")
    page.goto(f"{live_server.url}/")

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


def test_a_coordinator_hands_a_new_coordinator_a_set_up_link(browser, page, live_server):
    case = noord_case("financien")
    noord = case.meeting.network
    coordinator = MembershipFactory(
        network=noord, role=Role.COORDINATOR, user__email="coord@noord.example"
    ).user
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    newcomer = MembershipFactory(
        network=noord,
        role=Role.COORDINATOR,
        user__email="nieuw@noord.example",
        user__display_name="Nieuwe Coördinator",
    ).user
    newcomer.set_unusable_password()  # made in the admin without a password
    newcomer.save()

    password_step(page, live_server, coordinator.email)
    page.wait_for_url(re.compile(r"/accounts/login/code/$"))
    page.fill("#id_code", str(totp(device.bin_key)).zfill(6))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Inloggen in twee stappen").click()
    row = page.locator("tr", has_text="nieuw@noord.example")
    expect(row).to_contain_text("verplicht, nog geen app")
    assert_accessible(page, "sign-in of the members")
    row.get_by_role("button", name="Instellink maken voor Nieuwe Coördinator").click()
    link = page.locator("code.setup-link")
    expect(link).to_be_visible()
    assert_accessible(page, "sign-in of the members, a new link")
    url = link.inner_text()
    page.reload()
    expect(page.locator("code.setup-link")).to_have_count(0)  # shown once
    expect(page.locator("tr", has_text="nieuw@noord.example")).to_contain_text("geldig tot")

    # Handed over: the newcomer opens it on their own computer and chooses a password.
    context = browser.new_context(locale="nl-NL")
    theirs = context.new_page()
    theirs.goto(url)
    theirs.wait_for_url(re.compile(r"/accounts/setup/$"))
    theirs.fill("#id_new_password1", "een-eigen-wachtwoord-7")
    theirs.fill("#id_new_password2", "een-eigen-wachtwoord-7")
    own = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    theirs.fill("#id_code", str(totp(own.bin_key)).zfill(6))
    theirs.get_by_role("button", name="Instellen en inloggen").click()
    theirs.wait_for_url(re.compile(r"/recovery-codes/$"))
    theirs.get_by_role("link", name="Ik heb ze bewaard: verder").click()
    theirs.wait_for_url(f"{live_server.url}/")
    expect(theirs.locator(".user-name")).to_have_text("Nieuwe Coördinator")
    context.close()
    newcomer.refresh_from_db()
    assert newcomer.check_password("een-eigen-wachtwoord-7")


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
