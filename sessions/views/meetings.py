"""Coordinator pages: the network's meetings, one meeting's agenda, planning and adding cases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from akad.http import HtmxHttpRequest
from networks import access
from networks.access import viewer_for

from ..forms.planning import CaseForm, MeetingForm
from ..selectors.follow_up import awaiting_follow_up
from ..selectors.meetings import agenda, last_place, start_of_today
from ..selectors.meetings import meeting_list as meetings_of
from ..selectors.objects import meeting_for
from ..services import planning

MEETINGS_PER_PAGE = 25


@login_required
@require_GET
def meeting_list(request: HtmxHttpRequest) -> HttpResponse:
    """All meetings of the user's networks, newest first; today's and later ones marked."""
    viewer = viewer_for(request)
    page = Paginator(meetings_of(viewer), MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": start_of_today(),
        "show_network": viewer.network_count() > 1,
        "can_plan": viewer.lead_networks().exists(),
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
    networks = viewer_for(request).lead_networks()
    access.require(networks.exists())
    if request.method == "POST":
        form = MeetingForm(request.POST, networks=networks)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = planning.create_meeting(
                    network=data["network"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                    facilitator=data["facilitator"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The meeting is planned. Now add its cases."))
                return redirect("casework:meeting_detail", pk=meeting.pk)
    else:
        # The network asked for (the overview links per network), else the first one.
        initial = {"network": request.GET.get("network") or networks[0].pk}
        form = MeetingForm(initial=initial, networks=networks)
        network = form.selected_network()
        if network is not None:
            form.initial.setdefault("place", last_place(network))
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
    viewer = viewer_for(request)
    meeting = meeting_for(viewer, pk)
    cases = agenda(meeting)
    for case in cases:
        case.meeting = meeting  # no query per case: the viewer's role is known from the fetch
        case.can_review = viewer.can_review(case)
    context = {
        "meeting": meeting,
        "cases": cases,
        "is_lead": viewer.can_lead(meeting.network_id),
        "can_erase": viewer.can_erase_clients(meeting.network_id),
        "can_export": viewer.can_export(meeting.network_id),
        "is_upcoming": meeting.starts_at >= start_of_today(),
        "is_today": timezone.localtime(meeting.starts_at).date() == timezone.localdate(),
        "awaiting_count": awaiting_follow_up(meeting).count(),
    }
    return render(request, "sessions/meeting_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Put a case on the meeting's agenda: an existing client or a new pseudonym."""
    viewer = viewer_for(request)
    meeting = meeting_for(viewer, pk)
    access.require(viewer.can_lead(meeting.network_id))
    if request.method == "POST":
        form = CaseForm(request.POST, meeting=meeting)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = planning.add_case_discussion(
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
                return redirect("casework:meeting_detail", pk=meeting.pk)
    else:
        form = CaseForm(meeting=meeting)
        if form.fields["case_bringer"].queryset.filter(pk=request.user.pk).exists():
            form.initial["case_bringer"] = request.user.pk
    return render(request, "sessions/case_form.html", {"meeting": meeting, "form": form})
