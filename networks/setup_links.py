"""Set-up links: the one way to a first authenticator app for someone who must use one.

Without them, whoever had only a coordinator's password could set up *their own* app at that
coordinator's first login and own the account. So a login with the password alone sets up
nothing (networks.views.Login): the person needs a link that the platform operator (the
admin, `manage.py setup_link`) or a coordinator of their network made for them
(`access.may_issue_setup_link`) and handed over out of band.

A link holds a random token (256 bits); only its SHA-256 is stored. It works once, for
SETUP_LINK_HOURS, for its one person, and a newer link replaces it. Opening it starts a
*set-up* in that browser's session (`start`: the token leaves the address bar), which asks
for the person's password (or a new one, if the account has none) and a code from the app
just scanned, and then logs them in and shows the recovery codes once (`complete`).

Resetting a lost phone (`create_link(reset=True)`) removes the person's app and recovery
codes at once (their sessions end: networks.middleware) and gives the new link.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access, two_factor
from .models import SetupLink, User

FLOW = "akad.setup"  # {"link": pk, "device": pk, "at": Unix time}: the set-up in this browser
FLOW_MINUTES = 30  # from opening the link to the code from the app

# Why a link does not work (the views say it in words).
UNKNOWN, USED, EXPIRED, REPLACED, INACTIVE = "unknown", "used", "expired", "replaced", "inactive"


class LinkRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewLink:
    link: SetupLink
    token: str  # only here: the database keeps its hash

    @property
    def path(self) -> str:
        return reverse("accounts:setup_link", kwargs={"token": self.token})


@transaction.atomic
def create_link(
    *,
    user: User,
    by: User | None = None,
    by_name: str = "",
    reset: bool = False,
    request: HttpRequest | None = None,
) -> NewLink:
    """A new set-up link for `user` (their older links stop working). With `reset`, their app
    and recovery codes go now: a lost or stolen phone no longer signs in.

    Who may ask is the caller's to check (`access.may_issue_setup_link`); `by_name` says who
    it was when there is no account behind it (the operator's command)."""
    now = timezone.now()
    by_name = (by_name or _name(by))[:200]
    if reset:
        two_factor.remove(user)
        access.log_sign_in_event("two_factor_reset", user=user, request=request, by=by_name)
    SetupLink.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    link = SetupLink.objects.create(
        user=user,
        token_hash=hashed(token),
        expires_at=now + timedelta(hours=settings.SETUP_LINK_HOURS),
        created_by=by,
        created_by_name=by_name,
        reset_devices=reset,
    )
    access.log_sign_in_event(
        "setup_link_created",
        user=user,
        request=request,
        by=link.created_by_name,
        link=link.pk,
        reset=reset,
    )
    return NewLink(link, token)


def _name(user: User | None) -> str:
    return user.get_username() if user is not None else "-"


def refusal(link: SetupLink | None) -> str | None:
    """Why this link does not work (any more), or None: it does."""
    if link is None:
        return UNKNOWN
    if link.used_at is not None:
        return USED
    if link.revoked_at is not None:
        return REPLACED
    if link.expires_at <= timezone.now():
        return EXPIRED
    if not link.user.is_active:
        return INACTIVE
    return None


def find(token: str) -> SetupLink | None:
    """The link of this token, if there is one (working or not)."""
    return SetupLink.objects.select_related("user").filter(token_hash=hashed(token)).first()


def outstanding(user: User) -> SetupLink | None:
    """The person's link that still works, if any."""
    return (
        SetupLink.objects.filter(
            user=user, used_at=None, revoked_at=None, expires_at__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )


# The set-up in a browser --------------------------------------------------------------------


def start(request: HttpRequest, link: SetupLink) -> None:
    """The link was opened: keep the set-up in this browser's session, with an app device of
    its own (never one another browser made: whoever made that one saw its secret)."""
    previous = request.session.get(FLOW)
    if previous:
        TOTPDevice.objects.filter(pk=previous["device"], confirmed=False).delete()
    device = TOTPDevice.objects.create(user=link.user, name="Authenticator app", confirmed=False)
    request.session.cycle_key()  # a new key for the new state of this browser
    two_factor.drop_pending(request)
    request.session[FLOW] = {"link": link.pk, "device": device.pk, "at": int(time.time())}


def current(request: HttpRequest) -> tuple[SetupLink, TOTPDevice | None] | None:
    """The set-up this browser is doing: its link (which may have stopped working meanwhile:
    `refusal`) and its app device (None once gone: another browser's set-up with the same
    link replaced it). None when there is none, or it waited too long."""
    flow = request.session.get(FLOW)
    if not flow or time.time() - flow["at"] > FLOW_MINUTES * 60:
        return None
    link = SetupLink.objects.select_related("user").filter(pk=flow["link"]).first()
    if link is None:
        return None
    device = TOTPDevice.objects.filter(pk=flow["device"], user=link.user, confirmed=False).first()
    return link, device


def end(request: HttpRequest) -> None:
    request.session.pop(FLOW, None)


def password_done(request: HttpRequest) -> bool:
    """Whether this set-up was given the person's password (or a new one) already."""
    return bool((request.session.get(FLOW) or {}).get("password"))


def password_given(request: HttpRequest, *, user: User, new_password: str | None) -> None:
    """The person gave their password (checked by the form), or chose one for an account
    that had none: that one is theirs from now on. A wrong code after it asks only for the
    code again."""
    if new_password is not None:
        user.set_password(new_password)
        user.save(update_fields=["password"])
    flow = request.session[FLOW]
    flow["password"] = True
    request.session[FLOW] = flow


@transaction.atomic
def complete(*, link: SetupLink, device: TOTPDevice, code: str) -> list[str] | None:
    """The app shows the right code: the link is used up and the app is the person's (any
    older one goes). Returns the new recovery codes (to be shown once), or None when the code
    was wrong (nothing else changes). LinkRefused when the link stopped working meanwhile
    (used in another browser, replaced, expired)."""
    link = SetupLink.objects.select_for_update().select_related("user").get(pk=link.pk)
    if (reason := refusal(link)) is not None:
        raise LinkRefused(reason)
    codes = two_factor.confirm_app(device, code)
    if codes is None:
        return None
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return codes
