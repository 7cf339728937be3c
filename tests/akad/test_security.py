"""Strict CSP, CSRF on every write, login throttling, and templates without inline code."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sessions.models import Step
from sessions.services.live import go_to_step

TEMPLATES = Path(settings.BASE_DIR, "templates")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    "path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_have_no_inline_script_style_or_handlers(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>"
    assert not INLINE_STYLE.search(text), "inline style"
    assert not INLINE_HANDLER.search(text), "on…= handler"


def test_pages_carry_a_strict_content_security_policy(client, facilitator, case):
    client.force_login(facilitator)
    response = client.get(reverse("casework:console", args=[case.pk]))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_a_write_without_csrf_token_is_refused(facilitator, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    response = client.post(
        reverse("casework:change_step", args=[case.pk]), {"step": Step.TIPS.value}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.step == Step.OPENING


def test_htmx_sends_the_csrf_token_from_the_body(client, facilitator, case):
    client.force_login(facilitator)
    html = client.get(reverse("casework:console", args=[case.pk])).content.decode()
    assert re.search(r"<body[^>]*hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'", html)


def test_login_is_throttled_after_five_failures(client, facilitator):
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": facilitator.email, "password": "wrong"})
    response = client.post(
        url, {"username": facilitator.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_spellings_of_the_address_share_the_five_attempts(client, facilitator):
    url = reverse("accounts:login")
    spellings = [facilitator.email, facilitator.email.upper(), f" {facilitator.email.title()} "]
    for n in range(5):
        client.post(url, {"username": spellings[n % 3], "password": "wrong"})
    response = client.post(
        url,
        {"username": facilitator.email.capitalize(), "password": "correct horse battery staple"},
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_spraying_from_one_address_is_throttled(settings, facilitator):
    """Thirty failures on as many accounts lock the address (not only each account/address
    pair); another address, and the accounts themselves, are not locked by it."""
    assert settings.LOGIN_FAILURES_PER_ADDRESS == 30 > settings.AXES_FAILURE_LIMIT
    url = reverse("accounts:login")
    sprayer = Client(REMOTE_ADDR="203.0.113.66")
    for n in range(29):
        response = sprayer.post(url, {"username": f"naam{n}@example.org", "password": "Welkom01"})
        assert response.status_code == 200  # one try per account: no account is locked
    good = {"username": facilitator.email, "password": "correct horse battery staple"}
    sprayer.post(url, {"username": "naam29@example.org", "password": "Welkom01"})
    response = sprayer.post(url, good)  # the 31st attempt, with a right password
    assert response.status_code == 429
    assert "_auth_user_id" not in sprayer.session
    html = response.content.decode()
    assert "Te veel mislukte inlogpogingen vanaf dit netwerkadres" in html
    # The same account from somewhere else is not locked: the address was.
    assert Client(REMOTE_ADDR="198.51.100.20").post(url, good).status_code == 302


def test_the_account_lock_is_still_five_failures_and_says_so(facilitator):
    url = reverse("accounts:login")
    client = Client(REMOTE_ADDR="203.0.113.67")
    for _ in range(5):
        client.post(url, {"username": facilitator.email, "password": "wrong"})
    response = client.post(url, {"username": facilitator.email, "password": "wrong"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Het inloggen is te vaak mislukt" in html
    assert "netwerkadres" not in html
    # The address as such is not locked: another account from it still logs in.
    other = Client(REMOTE_ADDR="203.0.113.67")
    assert other.post(url, {"username": "iemand@example.org", "password": "x"}).status_code == 200


def test_the_address_lock_ends_after_the_cool_off(facilitator):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    url = reverse("accounts:login")
    good = {"username": facilitator.email, "password": "correct horse battery staple"}
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sprayer = Client(REMOTE_ADDR="203.0.113.68")
        for n in range(30):
            sprayer.post(url, {"username": f"naam{n}@example.org", "password": "Welkom01"})
        assert sprayer.post(url, good).status_code == 429
        clock.shift(timedelta(hours=1, minutes=1))
        assert sprayer.post(url, good).status_code == 302


@pytest.mark.parametrize(
    "proxies, headers, same_client",
    [
        # Behind one proxy: two people in different places are two clients ...
        (
            1,
            [{"HTTP_X_FORWARDED_FOR": "203.0.113.7"}, {"HTTP_X_FORWARDED_FOR": "198.51.100.9"}],
            False,
        ),
        # ... and addresses a client makes up itself (a header it sent) do not count apart.
        (
            1,
            [
                {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"},
                {"HTTP_X_FORWARDED_FOR": "7.7.7.7, 203.0.113.7"},
            ],
            True,
        ),
        # Without proxies the header is ignored: the connection is the client.
        (
            0,
            [{"HTTP_X_FORWARDED_FOR": "203.0.113.7"}, {"HTTP_X_FORWARDED_FOR": "198.51.100.9"}],
            True,
        ),
    ],
)
def test_failed_logins_count_per_client_address(
    settings, facilitator, proxies, headers, same_client
):
    from akad.proxies import client_address_settings

    for name, value in client_address_settings(proxies=proxies).items():
        setattr(settings, name, value)
    url = reverse("accounts:login")
    first, second = Client(REMOTE_ADDR="10.0.0.2"), Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(5):
        first.post(url, {"username": facilitator.email, "password": "wrong"}, **headers[0])
    response = second.post(
        url,
        {"username": facilitator.email, "password": "correct horse battery staple"},
        **headers[1],
    )
    assert response.status_code == (429 if same_client else 302)


def test_login_with_e_mail_and_password(client, facilitator):
    response = client.post(
        reverse("accounts:login"),
        {"username": facilitator.email.upper(), "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(facilitator.pk)


def test_anonymous_users_are_sent_to_the_login(client, case):
    response = client.get(reverse("casework:console", args=[case.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_htmx_request_without_a_session_gets_401_not_the_login_page(client, case):
    """htmx would follow the redirect and swap the login page in, counting it as saved."""
    response = client.post(
        reverse("casework:save_presentation", args=[case.pk]),
        {"strengths": "Zorgt goed voor haar kat"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 401
    assert response["X-Akad-Reason"] == "expired"
    assert b"password" not in response.content.lower()
    case.refresh_from_db()
    assert case.strengths == ""


def test_a_refused_form_says_the_page_expired(facilitator, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    response = client.post(
        reverse("casework:add_tip", args=[case.pk]), {"text": "Buurtbus"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert response["X-Akad-Reason"] == "expired"  # app.js: "reload the page", not "not allowed"
    assert "Pagina verlopen" in response.content.decode()


def test_pages_with_care_data_are_not_kept_in_the_browser_cache(client, facilitator, case):
    client.force_login(facilitator)
    for url in (
        reverse("casework:console", args=[case.pk]),
        reverse("casework:review", args=[case.pk]),
    ):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url


def test_sessions_expire(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY


def test_dutch_by_default_english_on_request(client, facilitator, case):
    client.force_login(facilitator)
    go_to_step(case=case, step=Step.OPENING)
    url = reverse("casework:console", args=[case.pk])
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="nl">' in dutch
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()
    assert '<html lang="en">' in english
    assert "Every idea is a good idea." in english


def test_other_networks_get_a_dutch_not_found_page(client, outsider, case):
    client.force_login(outsider)
    response = client.get(reverse("casework:review", args=[case.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Niet gevonden" in html and str(case.client) not in html


def test_a_member_without_the_role_gets_a_clear_403_page(client, case_bringer, case):
    client.force_login(case_bringer)
    response = client.get(reverse("casework:console", args=[case.pk]))
    assert response.status_code == 403
    assert "Je rol in dit netwerk staat dit niet toe" in response.content.decode()


def test_a_user_changes_their_own_password_and_other_devices_are_logged_out(facilitator):
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.post(
            reverse("accounts:login"),
            {"username": facilitator.email, "password": "correct horse battery staple"},
        )
    response = laptop.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": "wandelen langs het IJ 42",
            "new_password2": "wandelen langs het IJ 42",
        },
    )
    assert response.status_code == 302 and response.url == reverse("casework:home")
    facilitator.refresh_from_db()
    assert facilitator.check_password("wandelen langs het IJ 42")
    assert laptop.get(reverse("casework:home")).status_code == 200  # this device stays logged in
    assert phone.get(reverse("casework:home")).status_code == 302  # the other one is logged out


def test_a_wrong_old_password_is_refused_in_the_apps_own_dutch(client, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "fout", "new_password1": "x1y2z3w4v5", "new_password2": "x1y2z3w4v5"},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    # The app says "je" throughout, Django's own messages included (not "Uw …").
    assert "Je oude wachtwoord klopt niet. Vul het opnieuw in." in response.content.decode()
    facilitator.refresh_from_db()
    assert facilitator.check_password("correct horse battery staple")


def test_every_page_turns_off_the_browser_features_the_app_does_not_use(client, facilitator, case):
    client.force_login(facilitator)
    for url in (
        reverse("accounts:login"),
        reverse("casework:console", args=[case.pk]),
        reverse("casework:beamer", args=[case.meeting_id]),
        "/no-such-page/",
    ):
        response = client.get(url)
        policy = response.headers["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial"):
            assert f"{feature}=()" in policy, (url, feature)
        assert "*" not in policy and "self" not in policy
        # … besides the headers that were there before.
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]


def production_settings(monkeypatch, secret_key: str) -> dict:
    """akad/settings.py as a production installation reads it (SECURE=1), run afresh."""
    import runpy

    monkeypatch.setenv("SECURE", "1")
    monkeypatch.setenv("SECRET_KEY", secret_key)
    monkeypatch.setenv("ALLOWED_HOSTS", "example.org")
    monkeypatch.delenv("DEBUG", raising=False)
    # Set for the browser tests (tests/browser/conftest.py), never in production.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    values = runpy.run_path(str(Path(settings.BASE_DIR, "akad", "settings.py")))
    return {name: value for name, value in values.items() if name.isupper()}


@pytest.mark.parametrize("secret_key", ["x", "Zq8-x7Lp" * 7])
def test_the_deploy_check_is_clean_with_production_settings(monkeypatch, secret_key):
    """`SECURE=1 SECRET_KEY=x ALLOWED_HOSTS=example.org manage.py check --deploy` is clean:
    each of Django's warnings is fixed, or silenced in the settings with its reason."""
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    production = production_settings(monkeypatch, secret_key)
    checked = {
        name: value
        for name, value in production.items()
        if name.startswith(("SECURE_", "SESSION_", "CSRF_", "SILENCED_", "X_FRAME"))
        or name in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "MIDDLEWARE", "INSTALLED_APPS"}
    }
    assert checked["SECURE_SSL_REDIRECT"] and checked["SESSION_COOKIE_SECURE"]
    out, err = StringIO(), StringIO()
    with override_settings(**checked):
        call_command("check", deploy=True, stdout=out, stderr=err)
    assert "System check identified no issues" in out.getvalue()
    assert "WARNING" not in err.getvalue() + out.getvalue()


def test_production_does_not_start_with_a_weak_secret_key():
    from django.core.exceptions import ImproperlyConfigured

    from akad.wsgi import refuse_a_weak_secret_key

    with pytest.raises(ImproperlyConfigured):
        refuse_a_weak_secret_key(secure=True, key="x")
    with pytest.raises(ImproperlyConfigured):
        refuse_a_weak_secret_key(secure=True, key="django-insecure-" + "abcdefgh" * 8)
    refuse_a_weak_secret_key(secure=True, key="Zq8-x7Lp" * 7)
    refuse_a_weak_secret_key(secure=False, key="x")  # development: a key per process
