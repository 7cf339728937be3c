"""Meetings: the list of a viewer's networks, one meeting's agenda, what comes next."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Count, QuerySet
from django.utils import timezone

from networks.access import Viewer

from ..models import CaseDiscussion, Meeting


def start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def meeting_list(viewer: Viewer) -> QuerySet[Meeting]:
    """All meetings of the viewer's networks, newest first, with their number of cases."""
    return (
        Meeting.objects.for_viewer(viewer)
        .select_related("network", "facilitator")
        .annotate(case_count=Count("cases"))
        .order_by("-starts_at", "pk")
    )


def agenda(meeting: Meeting) -> list[CaseDiscussion]:
    """The meeting's cases in order, with client, case-bringer and number of tips."""
    return list(
        meeting.cases.select_related("client", "case_bringer")
        .annotate(tip_count=Count("tips"))
        .order_by("order", "pk")
    )


def next_case(case: CaseDiscussion) -> CaseDiscussion | None:
    """The case after this one on its meeting's agenda."""
    return (
        case.meeting.cases.filter(order__gte=case.order)
        .exclude(pk=case.pk)
        .exclude(order=case.order, pk__lt=case.pk)
        .select_related("client")
        .order_by("order", "pk")
        .first()
    )


def last_place(network) -> str:
    """Where the network met last: the likely place of its next meeting."""
    return network.meetings.order_by("-starts_at").values_list("place", flat=True).first() or ""


# The unchanged poll is the hottest request of a session (every screen, every second): its
# one statement is written out once, not built by the ORM per request (that build was most
# of the poll's cost: a subquery compiled every second on every screen).
VERSION_SQL = (
    f"SELECT m.version FROM {Meeting._meta.db_table} m WHERE m.{Meeting._meta.pk.column} = %s "
    f"AND EXISTS (SELECT 1 FROM {Session._meta.db_table} s "
    "WHERE s.session_key = %s AND s.expire_date > %s)"
)


def version_of(meeting_pk: int, *, session_key: str) -> int | None:
    """The meeting's version, while the login session `session_key` lasts (else None): the
    whole of an unchanged beamer poll, in one query.

    The session's row holds its real end, idle time-out included (akad.session_store), and
    is gone after a logout.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, [meeting_pk, session_key, now])
        row = cursor.fetchone()
    return row[0] if row else None


def client_record(client) -> dict:
    """What erasing the client removes, in numbers: for the confirmation."""
    return {
        "cases": client.discussions.count(),
        "tips": client.discussions.aggregate(n=Count("tips"))["n"] or 0,
        "last": client.discussions.order_by("-meeting__starts_at")
        .values_list("meeting__starts_at", flat=True)
        .first(),
    }
