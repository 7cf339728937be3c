"""The network's numbers over its meetings: tips and what came of them, per placemat column.

Live tips are counted where they are; the tips of erased or expired clients through their
tallies (`TipTally`), so the figures stay the same after a client is removed. The reports
of the coordinator build on this.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Sum

from ..models import Decision, Result, Tip, TipOutcome, TipTally


def counts_per_formality(network) -> dict[int, Counter]:
    """Per column formality (0 own strength … 3 formal care): tips, chosen, accepted,
    worked, partly, not_worked, not_tried."""
    counts: dict[int, Counter] = defaultdict(Counter)
    tips = Tip.objects.filter(case__meeting__network=network).values_list(
        "pk", "column__formality", "chosen", "decision"
    )
    formality_of = {}
    for pk, formality, chosen, decision in tips:
        formality_of[pk] = formality
        cell = counts[formality]
        cell["tips"] += 1
        cell["chosen"] += chosen
        cell["accepted"] += chosen and decision == Decision.ACCEPTED
    latest = dict(
        TipOutcome.objects.filter(tip__case__meeting__network=network)
        .order_by("created_at", "pk")
        .values_list("tip_id", "result")
    )  # the last follow-up of each tip wins
    for tip_id, result in latest.items():
        name = {"": "not_tried", Result.WORKED: "worked", Result.PARTLY: "partly"}.get(
            result, "not_worked"
        )
        counts[formality_of[tip_id]][name] += 1
    tallies = (
        TipTally.objects.filter(meeting__network=network)
        .values("formality")
        .annotate(**{f"sum_{name}": Sum(name) for name in TipTally.COUNTS})
    )
    for row in tallies:
        for name in TipTally.COUNTS:
            counts[row["formality"]][name] += row[f"sum_{name}"] or 0
    return {formality: +cell for formality, cell in sorted(counts.items())}
