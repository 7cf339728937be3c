"""Reads of the networks app: the access log, filtered; the members' sign-in."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access
from .models import AccessEvent, Membership, Network, SetupLink


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


def members_sign_in(network: Network, coordinator) -> list[Membership]:
    """The network's members with their two-factor sign-in, in one query: whether the rule
    asks it of them (`requires_app`), whether they set up an app (`has_app`), until when
    their newest working set-up link works (`link_until`), and whether they belong to a
    network `coordinator` does not coordinate (`other_networks`, for the link rule)."""
    links = SetupLink.objects.filter(
        user=OuterRef("user"), used_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).order_by("-expires_at")
    outside = Membership.objects.filter(user=OuterRef("user")).exclude(
        network_id__in=access.coordinated_networks(coordinator)
    )
    return list(
        network.memberships.select_related("user")
        .annotate(
            requires_app=ExpressionWrapper(
                access.two_factor_rule("user"), output_field=BooleanField()
            ),
            has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)),
            link_until=Subquery(links.values("expires_at")[:1]),
            other_networks=Exists(outside),
        )
        .order_by("user__display_name", "user__email")
    )
