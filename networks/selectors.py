"""Reads of the networks app: the access log, filtered."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessEvent, Network


def access_events(
    network: Network,
    *,
    client: int | None = None,
    user: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AccessEvent]:
    """The network's access log, newest first; a period is in local days, both ends included."""
    events = AccessEvent.objects.filter(network=network)
    if client is not None:
        events = events.filter(client_number=client)
    if user is not None:
        events = events.filter(user_id=user)
    if since is not None:
        events = events.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time.min)
        events = events.filter(at__lt=timezone.make_aware(end))
    return events.order_by("-at", "-pk")


def client_names(network: Network) -> dict[int, str]:
    """The network's clients by number: the log names them while they exist."""
    return dict(network.clients.order_by("pseudonym").values_list("pk", "pseudonym"))


def people(network: Network) -> list[tuple[int, str]]:
    return [
        (membership.user_id, f"{membership.user} ({membership.user.email})")
        for membership in network.memberships.select_related("user").order_by("user__email")
    ]
