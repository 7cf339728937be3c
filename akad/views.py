"""The overview after logging in: per network the role, its meetings and the cases to review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from akad.http import HtmxHttpRequest
from sessions.models import CaseDiscussion, Decision, Meeting

from .models import Membership, Role

MEETINGS_SHOWN = 3  # upcoming and recent meetings per network
CASES_SHOWN = 10  # cases to review per network


@dataclass
class NetworkOverview:
    membership: Membership
    upcoming: list[Meeting] = field(default_factory=list)
    recent: list[Meeting] = field(default_factory=list)
    cases: list[CaseDiscussion] = field(default_factory=list)

    @property
    def network(self):
        return self.membership.network

    @property
    def is_lead(self) -> bool:
        return self.membership.leads_sessions


def _first_per_network(meetings, *, order):
    """At most MEETINGS_SHOWN meetings per network, in one query (a window function)."""
    return (
        meetings.annotate(
            case_count=Count("cases"),
            rank=Window(RowNumber(), partition_by=F("network_id"), order_by=order),
        )
        .filter(rank__lte=MEETINGS_SHOWN)
        .select_related("facilitator")
        .order_by(order)
    )


@login_required
@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Four queries, whatever the number of networks, meetings and cases."""
    memberships = list(
        Membership.objects.filter(user=request.user)
        .select_related("network")
        .order_by("network__name")
    )
    overviews = {m.network_id: NetworkOverview(membership=m) for m in memberships}
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    network_ids = list(overviews)

    if network_ids:
        mine = Meeting.objects.filter(network_id__in=network_ids)
        for meeting in _first_per_network(
            mine.filter(starts_at__gte=start_of_today), order=F("starts_at").asc()
        ):
            overviews[meeting.network_id].upcoming.append(meeting)
        for meeting in _first_per_network(
            mine.filter(starts_at__lt=start_of_today), order=F("starts_at").desc()
        ):
            overviews[meeting.network_id].recent.append(meeting)

        awaiting = Q(tips__chosen=True, tips__outcomes__isnull=True) & ~Q(
            tips__decision=Decision.DECLINED
        )
        cases = (
            CaseDiscussion.objects.filter(
                case_bringer=request.user, meeting__network_id__in=network_ids
            )
            .select_related("client", "meeting")
            .annotate(
                chosen_count=Count("tips", filter=Q(tips__chosen=True), distinct=True),
                awaiting_count=Count("tips", filter=awaiting, distinct=True),
                rank=Window(
                    RowNumber(),
                    partition_by=F("meeting__network_id"),
                    order_by=F("meeting__starts_at").desc(),
                ),
            )
            .filter(rank__lte=CASES_SHOWN)
            .order_by("-meeting__starts_at", "order")
        )
        for case in cases:
            # Not yet discussed: today's or a later meeting, and the discussion has not begun.
            case.is_upcoming = case.started_at is None and case.meeting.starts_at >= start_of_today
            overviews[case.meeting.network_id].cases.append(case)

    context = {
        "overviews": list(overviews.values()),
        "today": start_of_today,
        "coordinator_role": Role.COORDINATOR,
    }
    return render(request, "home.html", context)


class PasswordChange(SuccessMessageMixin, PasswordChangeView):
    """Change your own password (the first one came from a coordinator or the admin).

    Django logs out every other session of the account and keeps this one.
    """

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")
    success_message = _("Your password has been changed. Other devices are logged out.")


def csrf_failure(request: HtmxHttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (CSRF): the page was open too long, or the user logged in again elsewhere.

    The header tells app.js to say so ("reload the page") instead of "not allowed".
    """
    response = render(request, "403_csrf.html", status=403)
    response["X-Akad-Reason"] = "expired"
    return response
