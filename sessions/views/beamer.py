"""The beamer view: full screen, no controls, follows the console by polling.

The poll is the hottest request of a session (every screen, every second). An unchanged
poll costs one query: the full render hands the beamer a signed, short-lived pass for this
meeting and this login session, and the poll then only compares `Meeting.version` and
answers 204. A changed (or expired) poll goes through the normal login and network checks.

The pass is good only together with the session cookie it was made for (it holds a keyed
hash of the session key, never the key), and only while that session lasts: the one query
asks for the version *and* the session's row, which a logout deletes and whose end the idle
time-out sets (akad.session_store). Someone who copies the URL has nothing, and a beamer
left after logging out goes to the login page at its next poll.

An unchanged poll does not use the session, so it does not count as activity: a beamer
left on keeps no login alive. A changed poll does (it goes through the login), so a beamer
follows a meeting for as long as somebody runs it (akad.middleware.SessionTimeoutMiddleware).

After a change every screen of the meeting asks at once: the content is rendered once per
meeting version and language and kept in Django's cache (per process by default; a cache
that all processes share, such as Redis, in production), so the second screen and the
twentieth get it without the placemat's queries or a render. Only the wrapper with each
screen's own poll pass and the server's clock is made per request.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
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
from akad.middleware import not_activity
from networks import access
from networks.access import viewer_for

from ..models import CaseDiscussion, Meeting
from ..selectors.objects import meeting_for_poll, meeting_shown
from ..services.versions import SHARED_RENDER_SECONDS, render_key
from ..steps import beamer_context
from .polling import make_session_pass, unchanged_in_session

PASS_SALT = "akad.beamer-poll"  # its pass is bound to the login session (polling)

BEAMER = "sessions/beamer.html"


def shared_content(request: HtmxHttpRequest, meeting: Meeting) -> str:
    """The beamer's content for this meeting version, rendered once and shared by all screens.

    Everything in it follows from the version (every change the beamer shows raises it) and
    the language; the one thing that runs on by itself, whether a step's timer still counts
    (not after 12 hours), is part of the key. `meeting` is as `meeting_for_poll` fetched it:
    what the content shows is loaded only when it is rendered here.
    """
    began = meeting.current_step_started_at
    timer_runs = CaseDiscussion.timer_runs(began, timezone.now())
    key = render_key("beamer", meeting.pk, meeting.version, int(timer_runs))
    html = cache.get(key)
    if html is None:
        shown = meeting_shown(meeting.pk)
        meeting.network = shown.network  # the page's title shows it too
        context = {**beamer_context(shown), "server_now": None}  # the wrapper has the clock
        html = render_to_string(f"{BEAMER}#shared-content", context, request=request)
        cache.set(key, html, SHARED_RENDER_SECONDS)
    return mark_safe(html)  # noqa: S308 (rendered by our own template, escaped there)


def beamer_wrapper(request: HtmxHttpRequest, meeting: Meeting) -> dict:
    """What each screen gets of its own around the shared content: its poll pass, the clock."""
    poll_pass = make_session_pass(request, salt=PASS_SALT, pk=meeting.pk, meeting_pk=meeting.pk)
    return {
        "meeting": meeting,
        "version": meeting.version,
        "server_now": timezone.now(),
        "poll_pass": poll_pass,
        "shared_content": shared_content(request, meeting),
    }


@login_required
@require_GET
def beamer(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_poll(viewer_for(request), pk)
    return render(request, BEAMER, beamer_wrapper(request, meeting))


@require_GET
def poll(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """204 when nothing changed (one query); otherwise the new beamer content."""
    if unchanged_in_session(request, pk, salt=PASS_SALT):
        return HttpResponse(status=204)
    seen = request.GET.get("v", "")
    if not request.user.is_authenticated:
        access.require(not access.has_guest_pass(request))  # a guest's phone: 403, no login
        login = f"{reverse('accounts:login')}?next={reverse('casework:beamer', args=[pk])}"
        return HttpResponseClientRedirect(login) if request.htmx else HttpResponse(status=401)
    meeting = meeting_for_poll(viewer_for(request), pk)
    if is_whole_number(seen) and meeting.version == int(seen):
        not_activity(request)  # only the pass was renewed: nothing happened in the room
    # The wrapper uses nothing of the request's template context (no form, no user): drawn
    # without it, the context processors are not run on every screen after every change.
    return HttpResponse(render_to_string(f"{BEAMER}#content", beamer_wrapper(request, meeting)))
