"""What a guest's phone shows of their own: the tips they sent for the current case."""

from __future__ import annotations

from ..models import CaseDiscussion, Guest, Tip


def own_tips(guest: Guest, case: CaseDiscussion | None) -> list[Tip]:
    """The guest's tips for `case`, oldest first, with their cell (one query)."""
    if case is None:
        return []
    # Sorted here: a guest's few tips of one case sort in no time, while the ORM compiling
    # the ORDER BY cost a sixth of adding a tip from a phone (this list is its answer).
    tips = Tip.objects.filter(guest=guest, case=case).select_related("domain", "column")
    return sorted(tips.order_by(), key=lambda tip: (tip.created_at, tip.pk))
