"""The AVG's end of a client's data: erasure on request and removal after the retention time.

Erasing a client removes everything of them: the client, their case discussions with the
presentation, goals, tips and follow-ups, the admin's change history about any of those
(Django's `django_admin_log` keeps the names of what it changed), and the cached renders
(beamer, PDFs) of their meetings. What stays are numbers: the tallies that keep the
network's report figures right (`TipTally`) and the access log's line of the erasure, with
the client's number and nothing else.
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import datetime, timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from networks.access import log_erasure
from networks.models import Network

from ..models import (
    CaseDiscussion,
    Client,
    Decision,
    DomainGoal,
    Meeting,
    Result,
    Tip,
    TipOutcome,
    TipTally,
)
from .guests import forget_guest_names
from .versions import forget_renders, touch


def _tally(tips: list[Tip]) -> None:
    """Add the tips' counts to their meetings' tallies before the tips go."""
    latest: dict[int, TipOutcome] = {}
    for outcome in TipOutcome.objects.filter(tip__in=tips).order_by("created_at", "pk"):
        latest[outcome.tip_id] = outcome
    counts: dict[tuple[int, int | None, int], Counter] = {}
    for tip in tips:
        cell = counts.setdefault(
            (tip.case.meeting_id, tip.column_id, tip.column.formality), Counter()
        )
        cell["tips"] += 1
        cell["chosen"] += tip.chosen
        cell["accepted"] += tip.chosen and tip.decision == Decision.ACCEPTED
        outcome = latest.get(tip.pk)
        if outcome is None:
            continue
        if not outcome.tried:
            cell["not_tried"] += 1
        else:
            cell[
                {Result.WORKED: "worked", Result.PARTLY: "partly"}.get(outcome.result, "not_worked")
            ] += 1
    for (meeting_id, column_id, formality), cell in counts.items():
        tally, _created = TipTally.objects.get_or_create(
            meeting_id=meeting_id, column_id=column_id, defaults={"formality": formality}
        )
        TipTally.objects.filter(pk=tally.pk).update(
            **{name: F(name) + cell[name] for name in TipTally.COUNTS}
        )


def _forget_admin_history(client: Client, cases: list[int], tips: list[int]) -> None:
    """The admin's change log names the objects it changed: none of it may stay."""
    by_model = {
        Client: [client.pk],
        CaseDiscussion: cases,
        Tip: tips,
        DomainGoal: list(DomainGoal.objects.filter(case__in=cases).values_list("pk", flat=True)),
        TipOutcome: list(TipOutcome.objects.filter(tip__in=tips).values_list("pk", flat=True)),
    }
    about = Q()
    for model, pks in by_model.items():
        if pks:
            content_type = ContentType.objects.get_for_model(model)
            about |= Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
    # Changes of other objects (a meeting's inline cases) name the client in their message.
    about |= Q(object_repr__icontains=client.pseudonym) | Q(
        change_message__icontains=client.pseudonym
    )
    LogEntry.objects.filter(about).delete()


@transaction.atomic
def erase_client(*, client: Client, actor: str, user=None) -> int:
    """Remove the client and everything of them; returns the client's number (for the log)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    number, network_id = client.pk, client.network_id
    cases = list(CaseDiscussion.objects.filter(client=client).values_list("pk", flat=True))
    tips = list(Tip.objects.filter(case__in=cases).select_related("case", "column"))
    # Meetings that show them: their own, and those whose terugblik reported on their tips.
    meetings = set(CaseDiscussion.objects.filter(pk__in=cases).values_list("meeting_id", flat=True))
    meetings |= set(
        TipOutcome.objects.filter(tip__in=tips, reported_in__isnull=False).values_list(
            "reported_in_id", flat=True
        )
    )
    _tally(tips)
    _forget_admin_history(client, cases, [tip.pk for tip in tips])
    client.delete()  # cascades: case discussions, goals, tips, follow-ups
    for meeting in Meeting.objects.filter(pk__in=meetings):
        touch(meeting.pk)
        meeting.refresh_from_db(fields=["version"])
        transaction.on_commit(lambda m=meeting: forget_renders(m, case_ids=cases))
    log_erasure(network_id=network_id, client_number=number, actor=actor, user=user)
    return number


def expired_clients(network: Network, *, now: datetime) -> list[Client]:
    """Clients whose last case discussion (or, without one, whose record) is older than the
    network's retention time."""
    cutoff = _months_before(now, network.retention_months)
    last = Client.objects.filter(network=network).annotate(
        last=Max("discussions__meeting__starts_at")
    )
    return list(last.filter(Q(last__lt=cutoff) | Q(last__isnull=True, created_at__lt=cutoff)))


GUEST_NAMES_KEPT = timedelta(hours=24)


def purge_expired(*, now: datetime | None = None) -> dict[str, int]:
    """Erase every client past their network's retention time; the count per network. Also
    forget the guests' names of meetings that were never closed, a day after they began."""
    now = now or timezone.now()
    for meeting in Meeting.objects.filter(
        starts_at__lt=now - GUEST_NAMES_KEPT, guests__user__isnull=True
    ).distinct():
        forget_guest_names(meeting=meeting)
    erased: dict[str, int] = {}
    for network in Network.objects.order_by("name"):
        clients = expired_clients(network, now=now)
        for client in clients:
            erase_client(client=client, actor="retention (purge_expired)")
        if clients:
            erased[network.name] = len(clients)
    return erased


def _months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day at most)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
