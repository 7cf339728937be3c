"""What a guest's phone shows of their own: the tips they sent for the current case."""

from __future__ import annotations

from ..models import CaseDiscussion, Guest, Tip


def own_tips(guest: Guest, case: CaseDiscussion | None) -> list[Tip]:
    """The guest's tips for `case`, oldest first, with their cell (one query)."""
    if case is None:
        return []
    return list(
        Tip.objects.filter(guest=guest, case=case)
        .select_related("domain", "column")
        .order_by("created_at", "pk")
    )
