"""A login that lacks the second factor it needs is no login; a guest is told a page needs an
account."""

from __future__ import annotations

import time

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from akad.middleware import goes_to_login

from . import two_factor
from .access import has_guest_pass, viewer_for

RECHECK_SECONDS = 5 * 60


class GuestsNeedAnAccountMiddleware:
    """Someone who joined a meeting with its code (a guest, no account) and opens a page that
    needs an account gets 403 and the way back to their phone page, not the login page.

    The pages refuse them anyway (`login_required`, and 404 outside a member's networks): this
    only says so. Which requests are a guest's is the access module's to say.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            goes_to_login(response)
            and not request.user.is_authenticated
            and has_guest_pass(request)
        ):
            guest = viewer_for(request).guest
            return render(request, "guest_refused.html", {"guest": guest}, status=403)
        return response


class SecondFactorMiddleware:
    """`request.user` is the logged-in user only with a verified second factor, if they need
    one (networks.two_factor); otherwise an anonymous user, and the session ends.

    The login itself never lets anyone in without the factor. This catches what changes
    while a session lasts: a network that starts requiring it, a member made coordinator,
    an app removed in the admin; and sessions from before the rule. Whether a login needs a
    factor is recorded at the login and looked up again every few minutes, so an ordinary
    request costs no query (a verified one costs django-otp's lookup of its device).

    Lazy, like Django's own `request.user`: a request that never asks for the user (the
    beamer's unchanged poll) is not slowed down. After django-otp's OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.user = SimpleLazyObject(lambda: self.checked(request, user))
        request.auser = sync_to_async(lambda: request.user)
        return self.get_response(request)

    def checked(self, request, user):
        if not user.is_authenticated:
            return user
        device = getattr(user, "otp_device", None)
        if device is not None and device.confirmed:
            return user
        session = request.session
        state = session.get(two_factor.STATE)
        if state is None or time.time() - state.get("checked", 0) >= RECHECK_SECONDS:
            state = two_factor.second_factor_state(user)
            session[two_factor.STATE] = state
        if not state["required"]:
            return user
        # Ended like a timed-out session: the login page says why, and a form this request
        # was sending is kept for this same person (akad.middleware.SessionTimeoutMiddleware).
        session.flush()
        session.expired = {
            "user": str(user.pk),
            "reason": "second factor",
            "message": _("Log in again: your account now asks for two-factor sign-in."),
        }
        anonymous = AnonymousUser()
        anonymous.otp_device = None
        anonymous.is_verified = lambda: False
        return anonymous
