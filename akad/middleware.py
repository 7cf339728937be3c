import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from . import kept_post
from .session_store import ACTIVE


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the user chose another language with the switch (the language cookie).

    The browser's Accept-Language is ignored on purpose: the networks work in Dutch, and
    a shared laptop on a beamer should not turn the room's screen into English.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def not_activity(request) -> None:
    """This request uses the login session but shows no one at work: it does not keep the
    session going (a beamer renewing its poll pass while nothing changed)."""
    request._akad_not_activity = True


def goes_to_login(response: HttpResponse) -> bool:
    """A redirect to the login page (what `login_required` answers a visitor)."""
    return response.status_code == 302 and urlsplit(response["Location"]).path == resolve_url(
        settings.LOGIN_URL
    )


class HtmxLoginRedirectMiddleware:
    """An HTMX request whose session has gone gets 401, not a redirect to the login page.

    htmx follows a redirect inside the XHR and would swap the login page into the console,
    and treat that as a success: an autosaved text would count as saved while the server
    never got it. With 401 the request fails, the text stays on the device, and app.js says
    the session has expired. Ordinary page requests keep the redirect to the login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and goes_to_login(response):
            return HttpResponse(status=401, headers={"X-Akad-Reason": "expired"})
        return response


class SessionTimeoutMiddleware:
    """Activity keeps a login session going; an ended one is told, and loses no typed text.

    The session store (`akad.session_store`) ends a session SESSION_IDLE_TIMEOUT after its
    last counted activity and SESSION_COOKIE_AGE after the login. Here:

    - Activity: every request that uses a session counts (with a login or without, like a
      guest's), at most one session write a minute (ACTIVITY_RESOLUTION): the time-out is
      30 minutes give or take one.
      A request that never looks at the session does not count, nor one marked with
      `not_activity`. That is the beamer's unchanged poll (every second, answered from its
      pass and one query, or renewing the pass), by decision: a screen left on must not keep
      a login alive for 12 hours. A poll that finds the meeting changed does count, so a
      beamer follows a meeting for as long as someone runs it, and ends 30 minutes after
      the last change.
    - An ended session: the login page says why (idle or 12 hours).
    - A plain form post (no JavaScript) that meets the login: its fields are kept
      (`akad.kept_post`) and the login returns to the page the form was on, which shows
      them again. Never the form's action: after the login that would be a GET of a POST
      view (405), and the text would be lost.

    Sits inside SessionMiddleware (which saves the session) and MessageMiddleware.
    """

    ACTIVITY_RESOLUTION = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        expired = getattr(session, "expired", None)
        if request.method == "POST" and not getattr(request, "htmx", False):
            if goes_to_login(response):
                response = self.keep_plain_post(request, owner=(expired or {}).get("user"))
                expired = None  # the kept form's message says it all
        if expired and self.ends_at_login(response):
            messages.info(
                request, expired.get("message") or self.expired_message(expired["reason"])
            )
        counts = not getattr(request, "_akad_not_activity", False)
        if counts and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(ACTIVE, 0) >= self.ACTIVITY_RESOLUTION:
                session[ACTIVE] = now
        return response

    @staticmethod
    def ends_at_login(response: HttpResponse) -> bool:
        """The login page, now (a redirect) or after a reload (htmx's 401, the beamer's
        client redirect)."""
        login = resolve_url(settings.LOGIN_URL)
        client_redirect = urlsplit(response.headers.get("HX-Redirect", "")).path == login
        return goes_to_login(response) or response.status_code == 401 or client_redirect

    @staticmethod
    def expired_message(reason: str) -> str:
        if reason == "idle":
            minutes = settings.SESSION_IDLE_TIMEOUT // 60
            return _("You were logged out after %(minutes)d minutes without activity.") % {
                "minutes": minutes
            }
        if reason == "absolute":
            hours = settings.SESSION_COOKIE_AGE // 3600
            return _("You were logged out: a login lasts %(hours)d hours at most.") % {
                "hours": hours
            }
        return _("Your session has expired. Log in again.")

    def keep_plain_post(self, request, *, owner: str | None) -> HttpResponse:
        """To the login, and back to the form's page with what it posted afterwards."""
        page = kept_post.same_origin_page(request)
        login = resolve_url(settings.LOGIN_URL)
        if page is None:
            return HttpResponseRedirect(login)  # after the login: the home page, not a 405
        if kept_post.keep(request, page=page, owner=owner):
            messages.info(
                request,
                _("Your session had ended. Log in again: what you typed is kept for you."),
            )
        return HttpResponseRedirect(f"{login}?{urlencode({'next': page})}")


class NoStoreMiddleware:
    """Pages of care data are never kept in the browser's cache.

    On a shared laptop, Back after logging out must not show a client's case from the cache.
    Static files do not pass here (WhiteNoise answers them earlier, with long caching); a
    view that sets its own Cache-Control keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response


class PermissionsPolicyMiddleware:
    """Every browser feature the app does not use is off (PERMISSIONS_POLICY): no page, and
    no script that got in somehow, can use the camera, microphone, location, payment, USB…

    The header is made once; a view that sets its own keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
