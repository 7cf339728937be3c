"""A form sent without JavaScript after the session ended: its text comes back after the login.

With JavaScript, htmx gets 401 and the text stays on the device (console.js). A plain form
post has no such help: `login_required` sends it to the login page, and after the login the
browser would GET the form's action (405) and the text would be gone. Instead:

1. `keep` (called by `akad.middleware.SessionTimeoutMiddleware` for a plain POST that ends
   at the login page) puts the posted fields — never the CSRF token or a password — in the
   new anonymous session, with the page the form was on (from the Referer, same origin only)
   and the URL name of the view it was sent to; the login then returns to that page.
2. On that page, once and only for the same user, the context processor `kept_post` offers
   the fields to the templates as `kept_post.<url name>` and says so in a message.
3. The template shows them with the `refill` tag (a builtin: no `{% load %}` needed):
   `{% refill tip_form "add_tip" as tip_form %}`. Nothing is sent again by itself: the
   user checks the text and sends the form once more.
"""

from __future__ import annotations

import copy
import time
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

KEPT = "akad.kept_post"
NEVER_KEPT = {"csrfmiddlewaretoken", "next"}
MAX_FIELDS = 60
MAX_CHARACTERS = 50_000  # all values together: more than any of the app's forms takes

register = template.Library()


def same_origin_page(request: HttpRequest) -> str | None:
    """The page a form was sent from (path and query), if the Referer is this site's own."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else None


def keep(request: HttpRequest, *, page: str, owner: str | None) -> bool:
    """Keep what a plain form posted, for `page`; False when there was nothing to keep.

    `owner` is the user id of the session that had ended (None when it is not known any
    more, e.g. after `clearsessions`): the text is offered back to that user only.
    """
    fields = {
        name: value
        for name, value in request.POST.items()
        if name not in NEVER_KEPT and "password" not in name.lower() and value.strip()
    }
    if not fields or len(fields) > MAX_FIELDS:
        return False
    if sum(len(value) for value in fields.values()) > MAX_CHARACTERS:
        return False
    match = request.resolver_match
    request.session[KEPT] = {
        "page": page,
        "form": match.url_name if match else "",
        "fields": fields,
        "owner": owner,
        "at": int(time.time()),
    }
    return True


def kept_post(request: HttpRequest) -> dict:
    """Context processor: on the page a kept form came from, its fields, once."""
    if request.method != "GET" or getattr(request, "htmx", False):
        return {}
    session = getattr(request, "session", None)
    if session is None or KEPT not in session:
        return {}
    kept = session[KEPT]
    if kept.get("page") != request.get_full_path():
        return {}
    del session[KEPT]
    user = getattr(request, "user", None)
    fresh = time.time() - kept.get("at", 0) < settings.SESSION_IDLE_TIMEOUT
    if not fresh or user is None or not user.is_authenticated:
        return {}
    if kept.get("owner") not in (None, str(user.pk)):
        return {}  # someone else typed it on this browser: never shown to another person
    messages.info(
        request,
        _("What you typed before logging in again is back in the form: check it and send it."),
    )
    return {"kept_post": {kept["form"]: kept["fields"]}}


@register.simple_tag(takes_context=True)
def refill(context, form, url_name: str):
    """The form as shown, with what was kept for the view `url_name` as its initial values.

    A bound form (a refused post shown again) keeps what it was sent; so does a form when
    nothing was kept for it. The form itself is not changed: a copy comes back.
    """
    kept = (context.get("kept_post") or {}).get(url_name)
    if not kept or form is None or getattr(form, "is_bound", True):
        return form
    values = {
        name: kept[form.add_prefix(name)] for name in form.fields if form.add_prefix(name) in kept
    }
    if not values:
        return form
    refilled = copy.copy(form)
    refilled.initial = {**form.initial, **values}
    refilled._bound_fields_cache = {}
    return refilled
