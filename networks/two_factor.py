"""Two-factor sign-in: an authenticator app (TOTP) and ten recovery codes, with django-otp.

The rule who must use it is `access.must_use_two_factor`; anyone may turn it on. The login
(networks.views) asks for the password first. A person who needs no second factor is then
logged in; otherwise the login *waits* (`start_pending`: the user is not logged in yet,
only remembered in the anonymous session for a few minutes) until a code from the app or
a recovery code is given. Only then `finish_login` logs in, with the device that verified it
(django-otp's `user.is_verified()`), so no request ever runs with half a login.

Someone who must use it and has no app yet is not logged in at all: the password alone sets
up nothing (else a stolen password would be enough to set up the thief's app). Their first
app comes with a set-up link (networks.setup_links). Someone the rule does not ask it of sets
one up from their account page, logged in (`app_being_set_up`).

`networks.middleware.SecondFactorMiddleware` keeps it so for sessions that started before
the rule applied to them (a network turning the requirement on, a new coordinator).
"""

from __future__ import annotations

import time

import segno
from django.contrib.auth import login as auth_login
from django.contrib.auth import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access
from .models import User

PENDING = "akad.pending_login"  # the user between the password and the second factor
STATE = "akad.second_factor"  # {"required": bool, "checked": Unix time}, per login session
PENDING_MINUTES = 10  # setting up an app takes a few minutes
MAX_WRONG_CODES = 5  # then the password again (and each wrong code counts for the lockout)
RECOVERY_CODES = 10


# Who ---------------------------------------------------------------------------------------


def has_app(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def needed_at_login(user) -> bool:
    """A second factor at every login: when the rule says so, or when the user set up an app
    (recovery codes are the app's back-up: left without an app, they ask for nothing)."""
    return access.must_use_two_factor(user) or has_app(user)


def second_factor_state(user) -> dict:
    return {"required": needed_at_login(user), "checked": int(time.time())}


@receiver(user_logged_in)
def remember_what_the_login_needs(sender, request, user, **kwargs):
    """Every login (ours, and `force_login` in tests) records whether it needs a verified
    second factor; the middleware reads that instead of asking on every request."""
    if request is not None and hasattr(request, "session"):
        request.session[STATE] = second_factor_state(user)


# The login in two steps ---------------------------------------------------------------------


def start_pending(request: HttpRequest, user, *, next_url: str) -> None:
    """The password was right: wait for the second factor (the user is not logged in)."""
    request.session.cycle_key()  # a new key for the new state of this browser
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "at": int(time.time()),
        "wrong": 0,
    }


def pending_user(request: HttpRequest) -> User | None:
    """The user whose password was right a few minutes ago, if any (and still active)."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_MINUTES * 60:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def pending_next(request: HttpRequest) -> str:
    return (request.session.get(PENDING) or {}).get("next", "")


def count_wrong_code(request: HttpRequest) -> bool:
    """One more wrong code for the waiting login; False when that was one too many (the
    waiting login is dropped: the password again)."""
    pending = request.session.get(PENDING)
    if not pending:
        return False
    pending["wrong"] += 1
    request.session[PENDING] = pending
    if pending["wrong"] >= MAX_WRONG_CODES:
        drop_pending(request)
        return False
    return True


def drop_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def finish_login(request: HttpRequest, user, device) -> None:
    """Both factors given: log in, verified by `device` (django-otp keeps it in the session)."""
    drop_pending(request)
    user.otp_device = device  # django-otp's user_logged_in handler persists it
    auth_login(request, user, backend=user.backend)


def verified_now(request: HttpRequest, device) -> None:
    """A logged-in user who just set up or used a device: this session counts as verified."""
    from django_otp import login as otp_login

    otp_login(request, device)
    request.session[STATE] = second_factor_state(request.user)


# Devices -----------------------------------------------------------------------------------


def normalised(code: str) -> str:
    """What was typed, without spaces and dashes (apps show '123 456', codes 'abcd-efgh')."""
    return "".join(code.split()).replace("-", "").lower()


def verify(user, code: str):
    """The device that accepts this code (the app's, or a recovery code, used up), or None."""
    code = normalised(code)
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, TOTPDevice) and not code.isdigit():
                continue
            if device.verify_token(code):
                return device
    return None


def verify_app(user, code: str) -> bool:
    """A current code of the user's app (recovery codes do not count, and stay unused)."""
    code = normalised(code)
    with transaction.atomic():
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update()
        return code.isdigit() and any(device.verify_token(code) for device in devices)


def is_recovery_code(device) -> bool:
    return isinstance(device, StaticDevice)


def wait_seconds(user) -> int:
    """How long django-otp's throttling makes the user wait before the next code (0: none)."""
    return max([0, *(device_wait_seconds(d) for d in devices_for_user(user, confirmed=True))])


def device_wait_seconds(device) -> int:
    """How long this one device makes the user wait before the next code (0: none)."""
    allowed, data = device.verify_is_allowed()
    if not allowed and data and data.get("locked_until"):
        return int((data["locked_until"] - timezone.now()).total_seconds()) + 1
    return 0


def app_being_set_up(user) -> TOTPDevice:
    """The app device a logged-in user is setting up from their account page: the same one
    (and QR code) until confirmed. (A set-up link makes a device of its own.)"""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_code_svg(device: TOTPDevice, title: str) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no image file, no script)."""
    code = segno.make(device.config_url, error="m")
    return code.svg_inline(scale=5, border=2, title=title, svgclass="qr-code", lineclass=None)


def secret_in_groups(device: TOTPDevice) -> str:
    """The secret for typing into an app by hand, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_app(device: TOTPDevice, code: str) -> list[str] | None:
    """The app shows the right code: it is the user's device from now on. Returns the new
    recovery codes (to be shown once), or None when the code was wrong."""
    if not device.verify_token(normalised(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Ten new recovery codes (the old ones stop working); each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def app_since(user):
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    return device.created_at if device is not None else None


@transaction.atomic
def remove(user) -> None:
    """Turn two-factor sign-in off (for someone the rule does not ask it of)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def format_code(code: str) -> str:
    """A recovery code as shown: 'abcd efgh' is easier to copy by hand."""
    return f"{code[:4]} {code[4:]}"
