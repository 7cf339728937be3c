"""The beamer view: full screen, no controls, follows the console by polling.

The poll is the hottest request of a session (every screen, every second). An unchanged
poll costs one query: the full render hands the beamer a signed, short-lived pass for this
meeting and user, and the poll then only compares `Meeting.version` and answers 204.
A changed (or expired) poll goes through the normal login and network checks.

After a change every screen of the meeting asks at once: the content is rendered once per
meeting version and language and kept in Django's cache (per process by default; a cache
that all processes share, such as Redis, in production), so the second screen and the
twentieth get it without the placemat's queries or a render. Only the wrapper with each
screen's own poll pass and the server's clock is made per request.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from akad.http import HtmxHttpRequest, is_whole_number
from networks import access
from networks.access import viewer_for

from ..models import Meeting
from ..selectors.meetings import version_of
from ..selectors.objects import meeting_for
from ..services.versions import SHARED_RENDER_SECONDS, render_key
from ..steps import beamer_context

PASS_SALT = "akad.beamer-poll"
PASS_MAX_AGE = 10 * 60  # seconds; after that the poll takes the full path once and renews it

BEAMER = "sessions/beamer.html"


def shared_content(request: HtmxHttpRequest, meeting: Meeting) -> str:
    """The beamer's content for this meeting version, rendered once and shared by all screens.

    Everything in it follows from the version (every change the beamer shows raises it) and
    the language; the one thing that runs on by itself, whether a step's timer still counts
    (not after 12 hours), is part of the key.
    """
    case = meeting.current_case
    timer_runs = case is not None and case.step_timer_runs(timezone.now())
    key = render_key("beamer", meeting.pk, meeting.version, int(timer_runs))
    html = cache.get(key)
    if html is None:
        context = {**beamer_context(meeting), "server_now": None}  # the wrapper has the clock
        html = render_to_string(f"{BEAMER}#shared-content", context, request=request)
        cache.set(key, html, SHARED_RENDER_SECONDS)
    return mark_safe(html)  # noqa: S308 (rendered by our own template, escaped there)


def render_beamer(request: HtmxHttpRequest, meeting: Meeting, template: str) -> HttpResponse:
    context = {
        "meeting": meeting,
        "version": meeting.version,
        "server_now": timezone.now(),
        "poll_pass": signing.dumps([meeting.pk, request.user.pk], salt=PASS_SALT, compress=True),
        "shared_content": shared_content(request, meeting),
    }
    return render(request, template, context)


@login_required
@require_GET
def beamer(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(viewer_for(request), pk)
    return render_beamer(request, meeting, BEAMER)


def _pass_is_valid(token: str, meeting_pk: int) -> bool:
    try:
        meeting_id, _user_id = signing.loads(token, salt=PASS_SALT, max_age=PASS_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return meeting_id == meeting_pk


@require_GET
def poll(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """204 when nothing changed (one query); otherwise the new beamer content."""
    token, seen = request.GET.get("pass", ""), request.GET.get("v", "")
    if token and is_whole_number(seen) and _pass_is_valid(token, pk):
        version = version_of(pk)
        if version is not None and version == int(seen):
            return HttpResponse(status=204)
    if not request.user.is_authenticated:
        access.require(not access.has_guest_pass(request))  # a guest's phone: 403, no login
        login = f"{reverse('accounts:login')}?next={reverse('casework:beamer', args=[pk])}"
        return HttpResponseClientRedirect(login) if request.htmx else HttpResponse(status=401)
    meeting = meeting_for(viewer_for(request), pk)
    return render_beamer(request, meeting, f"{BEAMER}#content")
