"""Who is in the room, on the facilitator's console: the join code, who joined by
organisation and by column, the perspectives present and "wie missen we?"; adding someone
without a phone, removing a guest, closing joining or the meeting.

The console loads this section with one request after the page and then polls it (the cheap
path of `polling`: 204 while the meeting's version stays the same). Without JavaScript the
console links to the same section as a page of its own, whose forms post and come back.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from akad.http import HtmxHttpRequest
from networks import access
from networks.access import viewer_for

from ..forms.guests import PresentForm
from ..models import Meeting
from ..selectors.attendance import attendance
from ..selectors.objects import guest_for, meeting_for
from ..services import guests
from .polling import make_pass, unchanged

ATTENDANCE = "sessions/attendance.html"
PASS_SALT = "akad.attendance-poll"


def lead_meeting(request: HttpRequest, pk: int) -> Meeting:
    """The meeting (404 outside the viewer's networks), if the viewer runs sessions (else 403)."""
    viewer = viewer_for(request)
    meeting = meeting_for(viewer, pk)
    access.require(viewer.can_lead(meeting.network_id))
    return meeting


def attendance_context(request: HttpRequest, meeting: Meeting, **overrides) -> dict:
    context = {
        "meeting": meeting,
        "attendance": attendance(meeting),
        "version": meeting.room_version,  # its poll's version
        "poll_pass": make_pass(salt=PASS_SALT, meeting_pk=meeting.pk, who=request.user.pk),
        "present_form": PresentForm(meeting=meeting),
    }
    context.update(overrides)
    return context


def respond(request: HtmxHttpRequest, meeting: Meeting, **overrides) -> HttpResponse:
    """HTMX: the section's live part (and the add form, when it says so); else back."""
    if not request.htmx:
        if overrides.get("present_form") is not None and overrides["present_form"].errors:
            context = attendance_context(request, meeting, **overrides)
            return render(request, ATTENDANCE, context, status=422)
        return redirect("casework:attendance", pk=meeting.pk)
    return render(request, f"{ATTENDANCE}#live", attendance_context(request, meeting, **overrides))


@login_required
@require_GET
def attendance_section(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The whole section: for the console (HTMX, once after the page) or as its own page."""
    meeting = lead_meeting(request, pk)
    template = f"{ATTENDANCE}#section" if request.htmx else ATTENDANCE
    return render(request, template, attendance_context(request, meeting))


@login_required
@require_GET
def attendance_poll(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if unchanged(request, pk, salt=PASS_SALT):
        return HttpResponse(status=204)
    meeting = lead_meeting(request, pk)
    return render(request, f"{ATTENDANCE}#live", attendance_context(request, meeting))


@login_required
@require_POST
def add_present(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Someone present without a phone: a name and an organisation."""
    meeting = lead_meeting(request, pk)
    form = PresentForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            guests.add_present(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return respond(request, meeting, present_form=form, present_refused=True)
    return respond(request, meeting, present_added=True)


@login_required
@require_POST
def remove_guest(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request)
    guest = guest_for(viewer, pk)
    access.require(viewer.can_lead(guest.meeting.network_id))
    guests.remove_guest(guest=guest)
    return respond(request, guest.meeting, removed=guest)


@login_required
@require_POST
def set_joining(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Close joining (open=0): the code stops working, who joined stays; or open it (open=1)."""
    meeting = lead_meeting(request, pk)
    guests.set_joining(meeting=meeting, open=request.POST.get("open") == "1")
    return respond(request, meeting)


@login_required
@require_POST
def close_meeting(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Close the meeting (closed=1): guests' phones stop; reopen it (closed=0)."""
    meeting = lead_meeting(request, pk)
    guests.close_meeting(meeting=meeting, closed=request.POST.get("closed") == "1")
    return respond(request, meeting)
