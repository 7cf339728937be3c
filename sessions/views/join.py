"""Joining a meeting from a phone: the short address /j/, the code, a name and an organisation.

No account and no e-mail: the join code on the beamer is the key. `/j/` asks for the code (a
scanned QR code opens `/j/<code>` directly), `/j/<code>` for the name and organisation. Wrong
codes are throttled per client address: a few, then a short wait in which no code is tried.
A signed-in member of the meeting's network joins with their account (they count as present).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from akad.http import HtmxHttpRequest
from akad.throttle import Throttle
from networks import access
from networks.access import viewer_for

from ..forms.guests import JoinCodeForm, PersonForm
from ..models import Meeting, normalise_join_code
from ..services import guests
from ..services.guests import code_refusal

JOIN = "sessions/join.html"

# A room shares one address behind its wifi: allow several typos between everyone in it.
WRONG_CODES = Throttle("join", allowed=8, window=10 * 60, wait=60)


def wait_message(seconds: int) -> str:
    return ngettext(
        "Too many wrong codes from this network. Wait %(seconds)d second and try again.",
        "Too many wrong codes from this network. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def code_in_url(code: str) -> str:
    """The code as the short address writes it: /j/AKP7W3."""
    return code.replace("-", "")


@require_http_methods(["GET"])
def join(request: HtmxHttpRequest) -> HttpResponse:
    """The join page: type the code (`?code=` from its form goes on to the code's page)."""
    form = JoinCodeForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        code = normalise_join_code(form.cleaned_data["code"])
        if code is not None:
            return redirect("casework:join_code", code=code_in_url(code))
        form.add_error(
            "code", _("A code has six letters and digits, as on the screen (like AKP-7W3).")
        )
    status = 422 if form.is_bound else 200
    return render(request, JOIN, {"code_form": form}, status=status)


@require_http_methods(["GET", "POST"])
def join_code(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The code's page: which meeting, then a name and an organisation to join it."""
    code_form = JoinCodeForm(initial={"code": code})
    wait = WRONG_CODES.wait_left(request)
    if wait:
        context = {"code_form": code_form, "refusal": wait_message(wait)}
        return render(request, JOIN, context, status=429)
    stored = normalise_join_code(code)
    meeting = (
        Meeting.objects.select_related("network").filter(join_code=stored).first()
        if stored
        else None
    )
    refusal = code_refusal(meeting)
    if refusal:
        wait = WRONG_CODES.failed(request)
        message = f"{refusal} {wait_message(wait)}" if wait else refusal
        context = {"code_form": code_form, "refusal": message}
        return render(request, JOIN, context, status=404 if meeting is None else 403)

    viewer = viewer_for(request)
    member = request.user.is_authenticated and viewer.is_member(meeting.network_id)
    if request.method == "GET" and viewer.is_guest_of(meeting.pk):
        return redirect("casework:phone", pk=meeting.pk)  # scanned again: back to the tips
    if request.method == "POST":
        form = PersonForm(request.POST, meeting=meeting)
        if form.is_valid():
            try:
                _guest, secret = guests.join(
                    meeting=meeting, user=request.user if member else None, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                access.admit_guest(request, secret)
                return redirect("casework:phone", pk=meeting.pk)
    else:
        initial = guests.member_defaults(meeting=meeting, user=request.user) if member else {}
        form = PersonForm(meeting=meeting, initial=initial)
    context = {
        "meeting": meeting,
        "form": form,
        "member": member,
        "action": reverse("casework:join_code", kwargs={"code": code_in_url(meeting.join_code)}),
    }
    return render(request, JOIN, context, status=422 if form.errors else 200)
