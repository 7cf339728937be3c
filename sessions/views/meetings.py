"""Coordinator pages: the network's meetings, one meeting's agenda, planning and adding cases."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from akad.http import HtmxHttpRequest
from akad.models import LEAD_ROLES, Membership, Network
from sessions import services
from sessions.access import meeting_for_user, require_lead, role_in
from sessions.forms import CaseForm, MeetingForm
from sessions.models import Meeting
from sessions.selectors import awaiting_follow_up

MEETINGS_PER_PAGE = 25


def _lead_networks(user):
    return Network.objects.filter(
        memberships__user=user, memberships__role__in=LEAD_ROLES
    ).order_by("name")


def _start_of_today():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


@login_required
@require_GET
def meeting_list(request: HtmxHttpRequest) -> HttpResponse:
    """All meetings of the user's networks, newest first; today's and later ones marked."""
    meetings = (
        Meeting.objects.for_user(request.user)
        .select_related("network", "facilitator")
        .annotate(case_count=Count("cases"))
        .order_by("-starts_at", "pk")
    )
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    network_count = Membership.objects.filter(user=request.user).count()
    context = {
        "page": page,
        "today": _start_of_today(),
        "show_network": network_count > 1,
        "can_plan": _lead_networks(request.user).exists(),
    }
    template = "sessions/meeting_list.html"
    # Paging swaps the table; Back to a page htmx no longer holds asks for the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#meeting-table"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HtmxHttpRequest) -> HttpResponse:
    """Plan a meeting in one of the networks where the user is coordinator or facilitator."""
    networks = _lead_networks(request.user)
    if not networks.exists():
        raise PermissionDenied
    if request.method == "POST":
        form = MeetingForm(request.POST, networks=networks)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.create_meeting(
                    network=data["network"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                    facilitator=data["facilitator"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The meeting is planned. Now add its cases."))
                return redirect("meeting_detail", pk=meeting.pk)
    else:
        # The network asked for (the overview links per network), else the first one.
        initial = {"network": request.GET.get("network") or networks[0].pk}
        form = MeetingForm(initial=initial, networks=networks)
        network = form.selected_network()
        if network is not None:
            last = network.meetings.order_by("-starts_at").values_list("place", flat=True).first()
            form.initial.setdefault("place", last or "")
            if form.fields["facilitator"].queryset.filter(pk=request.user.pk).exists():
                form.initial.setdefault("facilitator", request.user.pk)
    template = "sessions/meeting_form.html"
    if request.htmx and request.method == "GET":
        # The network select asks for the facilitator list of the network just picked.
        template += "#facilitator-field"
    return render(request, template, {"form": form})


@login_required
@require_GET
def meeting_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One meeting: when, where, who leads, the join code and its cases in order."""
    meeting = meeting_for_user(request.user, pk)
    role = role_in(request.user, meeting.network_id)
    is_lead = role in LEAD_ROLES
    cases = list(
        meeting.cases.select_related("client", "case_bringer")
        .annotate(tip_count=Count("tips"))
        .order_by("order", "pk")
    )
    for case in cases:
        # The same rule as access.can_review, without a query per case.
        case.can_review = is_lead or case.case_bringer_id == request.user.pk
    context = {
        "meeting": meeting,
        "cases": cases,
        "is_lead": is_lead,
        "role": role,
        "is_upcoming": meeting.starts_at >= _start_of_today(),
        "is_today": timezone.localtime(meeting.starts_at).date() == timezone.localdate(),
        "awaiting_count": awaiting_follow_up(meeting).count(),
    }
    return render(request, "sessions/meeting_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Put a case on the meeting's agenda: an existing client or a new pseudonym."""
    meeting = meeting_for_user(request.user, pk)
    require_lead(request.user, meeting.network_id)
    if request.method == "POST":
        form = CaseForm(request.POST, meeting=meeting)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.add_case_discussion(
                    meeting=meeting,
                    case_bringer=data["case_bringer"],
                    client=data["client"],
                    pseudonym=data["pseudonym"],
                    birth_year=data["birth_year"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("%(client)s is on the agenda.") % {"client": case.client}
                )
                return redirect("meeting_detail", pk=meeting.pk)
    else:
        form = CaseForm(meeting=meeting)
        if form.fields["case_bringer"].queryset.filter(pk=request.user.pk).exists():
            form.initial["case_bringer"] = request.user.pk
    return render(request, "sessions/case_form.html", {"meeting": meeting, "form": form})
