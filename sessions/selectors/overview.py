"""The overview after logging in: per network the viewer's role, its meetings, their cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from networks import access
from networks.access import Viewer
from networks.models import Membership

from ..models import CaseDiscussion, Decision, Meeting
from .meetings import start_of_today

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
    def reads_access_log(self) -> bool:
        return access.role_reads_access_log(self.membership.role)

    @property
    def manages_sign_in(self) -> bool:
        return access.role_manages_sign_in(self.membership.role)

    @property
    def is_lead(self) -> bool:
        return access.role_leads(self.membership.role)


def _first_per_network(meetings, *, order):
    """At most MEETINGS_SHOWN meetings per network, in one query (a window function).

    Only the columns the overview shows: the count groups by every selected column (on
    SQLite all of them), and a join or a column more is compiled and planned every time.
    """
    return (
        meetings.only("network_id", "starts_at", "place")
        .annotate(
            case_count=Count("cases"),
            rank=Window(RowNumber(), partition_by=F("network_id"), order_by=order),
        )
        .filter(rank__lte=MEETINGS_SHOWN)
        .order_by(order)
    )


def overviews(viewer: Viewer) -> list[NetworkOverview]:
    """Four queries, whatever the number of networks, meetings and cases."""
    user = viewer.user
    memberships = list(
        Membership.objects.filter(user=user).select_related("network").order_by("network__name")
    )
    overviews = {m.network_id: NetworkOverview(membership=m) for m in memberships}
    today = start_of_today()
    network_ids = list(overviews)

    if network_ids:
        mine = Meeting.objects.filter(network_id__in=network_ids)
        for meeting in _first_per_network(
            mine.filter(starts_at__gte=today), order=F("starts_at").asc()
        ):
            overviews[meeting.network_id].upcoming.append(meeting)
        for meeting in _first_per_network(
            mine.filter(starts_at__lt=today), order=F("starts_at").desc()
        ):
            overviews[meeting.network_id].recent.append(meeting)

        awaiting = Q(tips__chosen=True, tips__outcomes__isnull=True) & ~Q(
            tips__decision=Decision.DECLINED
        )
        cases = (
            CaseDiscussion.objects.filter(case_bringer=user, meeting__network_id__in=network_ids)
            .select_related("client", "meeting")
            # The counts group by every selected column: not the presentation's long texts.
            .only(
                "order",
                "started_at",
                "client__pseudonym",
                "meeting__network_id",
                "meeting__starts_at",
            )
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
            case.is_upcoming = case.started_at is None and case.meeting.starts_at >= today
            overviews[case.meeting.network_id].cases.append(case)

    return list(overviews.values())
