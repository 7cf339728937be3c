"""Follow-up (terugblik): chosen tips awaiting a report, and the reports of a meeting."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ..models import Decision, Meeting, Tip, TipOutcome


def awaiting_follow_up(meeting: Meeting) -> QuerySet[Tip]:
    """Chosen tips of earlier meetings of the network that nobody has reported on yet."""
    return (
        Tip.objects.filter(
            case__meeting__network_id=meeting.network_id,
            case__meeting__starts_at__lt=meeting.starts_at,
            chosen=True,
            outcomes__isnull=True,
        )
        .exclude(decision=Decision.DECLINED)
        .select_related("case__client", "case__meeting", "domain", "column")
        .order_by("case__meeting__starts_at", "case__client__pseudonym", "pk")
    )


def follow_ups_reported_in(meeting: Meeting) -> QuerySet[TipOutcome]:
    """The follow-ups reported in this meeting (its terugblik), oldest tip first."""
    return (
        TipOutcome.objects.filter(reported_in=meeting)
        .select_related("tip__case__client", "tip__case__meeting", "tip__domain", "tip__column")
        .order_by("tip__case__client__pseudonym", "created_at")
    )


def awaits_follow_up(meeting: Meeting, tip: Tip) -> bool:
    """Whether this meeting's terugblik still lists the tip (nobody reported on it yet)."""
    return awaiting_follow_up(meeting).filter(pk=tip.pk).exists()


def reported_follow_up(meeting: Meeting, pk: int) -> TipOutcome:
    """A follow-up reported in this meeting (404 for any other: it is corrected where it was
    reported)."""
    return get_object_or_404(follow_ups_reported_in(meeting), pk=pk)
