from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers


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
        if getattr(request, "htmx", False) and is_login_redirect(response):
            return HttpResponse(status=401, headers={"X-Akad-Reason": "expired"})
        return response


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path == resolve_url(
        settings.LOGIN_URL
    )


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
