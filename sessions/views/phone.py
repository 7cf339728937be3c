"""The phone of someone in the room: the current case, a tip form, and their own tips.

Only a guest of the meeting reaches these pages (`networks.access.guest_meeting` and
`fetch_own`: 404 for anyone else, a member who has not joined is sent to the join page). The
page follows the room with a poll every second (`polling`: an unchanged poll is one query
and renders nothing). static/js/phone.js keeps every tip on the device until the server
confirmed it and sends it again when the connection is back; its requests carry
`X-Akad-Phone` and get short answers (the "your tips" list, or the message alone). Without
JavaScript the forms post as usual and come back to the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akad.http import HtmxHttpRequest, posted_id
from networks.access import guest_meeting, viewer_for

from ..forms.guests import PhoneCellForm, PhoneTipForm
from ..models import Guest, Meeting, Tip
from ..selectors.objects import meeting_for, own_tip_for
from ..selectors.phone import own_tips
from ..services import guests
from ..steps import GuestTips, guest_tips, phone_context
from .join import code_in_url
from .polling import make_pass, unchanged

PHONE = "sessions/phone.html"
PHONE_TIP = "sessions/phone_tip.html"
ENDED = "sessions/phone_ended.html"
PASS_SALT = "akad.phone-poll"


def is_phone_js(request: HtmxHttpRequest) -> bool:
    return request.headers.get("X-Akad-Phone") == "1"


def guest_and_meeting(request: HtmxHttpRequest, pk: int) -> tuple[Guest, Meeting]:
    viewer = viewer_for(request)
    meeting = guest_meeting(viewer, pk)  # 404 unless a guest of this meeting
    return viewer.guest, meeting


def page_context(guest: Guest, meeting: Meeting, **overrides) -> dict:
    """The phone page: the room (step, case, marked domains), the form, the guest's tips."""
    context = phone_context(meeting)
    case = context.get("case")
    context.update(
        {
            "guest": guest,
            "my_tips": own_tips(guest, case),
            "poll_pass": make_pass(salt=PASS_SALT, meeting_pk=meeting.pk, who=guest.pk),
        }
    )
    if case is not None and context["guest_tips"] != GuestTips.CLOSED.value:
        context["form"] = PhoneTipForm(case=case)
    context.update(overrides)
    return context


@require_GET
def phone(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request)
    if not viewer.is_guest_of(pk):
        if request.user.is_authenticated:
            # A member who has not joined yet (404 outside their networks): join first.
            meeting = meeting_for(viewer, pk)
            return redirect("casework:join_code", code=code_in_url(meeting.join_code))
        return render(request, ENDED, status=404)
    guest, meeting = guest_and_meeting(request, pk)
    return render(request, PHONE, page_context(guest, meeting))


@require_GET
def phone_poll(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """204 when nothing changed (one query); else the room and the guest's tips again; once
    the guest's pass no longer counts, the ending (404, which phone.js shows)."""
    if unchanged(request, pk, salt=PASS_SALT):
        return HttpResponse(status=204)
    if not viewer_for(request).is_guest_of(pk):
        return render(request, f"{ENDED}#ended", status=404)
    guest, meeting = guest_and_meeting(request, pk)
    return render(request, f"{PHONE}#poll", page_context(guest, meeting))


def _refused(request, guest, meeting, status: int, message: str, form=None) -> HttpResponse:
    """A tip that was not taken: phone.js gets the message alone (it keeps the text on the
    device; `X-Akad-Privacy` says it may be sent anyway); a plain form post gets the page with
    the message and the text as typed."""
    if is_phone_js(request):
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        if form is not None and form.privacy_warned:
            response["X-Akad-Privacy"] = "1"
        return response
    overrides = {"error": message}
    if form is not None:
        overrides["form"] = form
    return render(request, PHONE, page_context(guest, meeting, **overrides), status=status)


def _my_tips(request, guest, meeting) -> HttpResponse:
    return render(request, f"{PHONE}#my-tips", page_context(guest, meeting))


@require_POST
def phone_add_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A tip from the phone, stored once per form key whatever the number of sends."""
    guest, meeting = guest_and_meeting(request, pk)
    posted = posted_id(request, "case")
    if posted is not None and posted == meeting.current_case_id:
        case = meeting.current_case  # loaded with the guest: no query
    else:  # a tip sent for a case that is no longer on (its retry may still be stored)
        case = meeting.cases.filter(pk=posted or 0).first()
    if case is not None:
        case.meeting = meeting  # loaded with the guest, network included
    if case is None:
        return _refused(
            request, guest, meeting, 409, _("This case is no longer on. Your tip was not sent.")
        )
    form = PhoneTipForm(request.POST, case=case)
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _refused(request, guest, meeting, 422, message, form)
    data = form.cleaned_data
    try:
        guests.add_guest_tip(
            guest=guest,
            case=case,
            key=data["key"],
            domain=data["domain"],
            column=data["column"],
            text=data["text"],
        )
    except guests.TooManyTips as error:
        response = _refused(request, guest, meeting, 429, error.messages[0], form)
        response["Retry-After"] = str(error.retry_after)
        return response
    except guests.TipsClosed as error:
        return _refused(request, guest, meeting, 409, error.messages[0], form)
    except ValidationError as error:
        return _refused(request, guest, meeting, 422, " ".join(error.messages), form)
    if is_phone_js(request):
        # The "your tips" list alone (what phone.js swaps in): not the room around it, which
        # the phone's next poll brings.
        shown = meeting.current_case
        context = {
            "my_tips": own_tips(guest, shown),
            "guest_tips": guest_tips(shown.step).value if shown is not None else None,
        }
        return render(request, f"{PHONE}#my-tips", context)
    messages.success(request, _("Your tip was sent."))
    return redirect("casework:phone", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def phone_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Edit one's own tip (or move it) while the round is on; the page also offers withdraw."""
    viewer = viewer_for(request)
    tip = own_tip_for(viewer, pk)
    guest = viewer.guest
    case = tip.case
    open_now = (
        guest.meeting.current_case_id == case.pk and guest_tips(case.step) is not GuestTips.CLOSED
    )
    if request.method == "POST":
        form = PhoneCellForm(request.POST, case=case, accepted={"text": tip.text})
        error = None
        if form.is_valid():
            try:
                guests.edit_guest_tip(guest=guest, tip=tip, **form.cleaned_data)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                if is_phone_js(request):
                    return HttpResponse(status=204)
                messages.success(request, _("Your tip was saved."))
                return redirect("casework:phone", pk=case.meeting_id)
        message = error or " ".join(e for errors in form.errors.values() for e in errors)
        if is_phone_js(request):
            response = HttpResponse(message, status=422, content_type="text/plain; charset=utf-8")
            if form.privacy_warned:
                response["X-Akad-Privacy"] = "1"
            return response
        context = {"tip": tip, "form": form, "error": message, "open_now": open_now}
        return render(request, PHONE_TIP, context, status=422)
    form = PhoneCellForm(
        case=case, initial={"text": tip.text, "domain": tip.domain_id, "column": tip.column_id}
    )
    return render(request, PHONE_TIP, {"tip": tip, "form": form, "open_now": open_now})


@require_POST
def phone_withdraw_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Take back one's own tip while the round is on."""
    viewer = viewer_for(request)
    tip: Tip = own_tip_for(viewer, pk)
    guest = viewer.guest
    meeting_pk = tip.case.meeting_id
    try:
        guests.withdraw_guest_tip(guest=guest, tip=tip)
    except ValidationError as error:
        message = " ".join(error.messages)
        if request.htmx or is_phone_js(request):
            return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
        messages.error(request, message)
        return redirect("casework:phone", pk=meeting_pk)
    if request.htmx:
        return _my_tips(request, guest, guest.meeting)
    messages.success(request, _("Your tip was withdrawn."))
    return redirect("casework:phone", pk=meeting_pk)
