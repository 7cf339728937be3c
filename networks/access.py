"""Who may see and do what: every role rule of the project lives in this module.

Everything belongs to exactly one network. A *viewer* is resolved once per request
(`viewer_for`), and is one of two kinds (or both):

- a signed-in *member* with a role in one or more networks. A member sees nothing of a
  network they are not a member of: objects outside it answer 404, the same as objects that
  do not exist (`fetch`), so an id reveals nothing. Within a network:
  - coordinators and facilitators (the *leads*) plan meetings and run the console;
  - the case-bringer of a case, and the leads, review its tips (choices, decisions, outcomes);
  - every member may look (meeting pages, beamer, reports);
- a *guest* of one meeting, who joined with its code and has no account: their session holds
  a secret (`admit_guest`) that the casework app resolves to its guest row (it registers the
  lookup: this module does not import casework). A guest reaches only the phone pages of that
  one meeting (`guest_meeting`) and their own tips (`fetch_own`); everything a member reaches
  is 404 for them (`scope` gives them nothing), and pages that need an account answer 403
  instead of the login page (akad.middleware). A member who joined from their phone is both.

Views, templates (through the flags views hand them) and services ask the `can_…` checks
here; nothing else compares role names or decides whose pass a request carries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Network, Role, User

if TYPE_CHECKING:
    from django.http import HttpRequest

# Coordinators and facilitators plan meetings and drive the live session.
LEAD_ROLES = frozenset({Role.COORDINATOR, Role.FACILITATOR})


def role_leads(role: str | None) -> bool:
    """Whether a member with this role plans meetings and runs the console."""
    return role in LEAD_ROLES


class GuestLike(Protocol):
    """What this module needs of a guest row (casework's `Guest`)."""

    pk: int
    meeting_id: int
    meeting: object


# The session key of a guest's secret, and who turns a secret into a guest (casework, at start).
GUEST_SESSION_KEY = "akad_guest"
_guest_lookup: Callable[[str], GuestLike | None] | None = None
_UNRESOLVED = object()


def register_guest_lookup(lookup: Callable[[str], GuestLike | None]) -> None:
    """The casework app says how a guest's secret becomes its guest (None: removed, closed)."""
    global _guest_lookup
    _guest_lookup = lookup


class Viewer:
    """The person behind a request, with their roles per network (looked up once each) and,
    when they joined a meeting with its code, their guest row (looked up on first use)."""

    def __init__(self, user, guest_secret: str | None = None):
        self.user = user
        self._roles: dict[int, str | None] = {}
        self._guest_secret = guest_secret
        self._guest = _UNRESOLVED

    @property
    def guest(self) -> GuestLike | None:
        """The guest row of the meeting this viewer joined with its code, if it still counts."""
        if self._guest is _UNRESOLVED:
            secret, lookup = self._guest_secret, _guest_lookup
            self._guest = lookup(secret) if secret and lookup is not None else None
        return self._guest

    @property
    def has_guest_pass(self) -> bool:
        """A guest secret in the session, whether or not it still counts (no query)."""
        return bool(self._guest_secret)

    def is_guest_of(self, meeting_id: int) -> bool:
        guest = self.guest
        return guest is not None and guest.meeting_id == meeting_id

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user.is_authenticated)

    def remember(self, network_id: int, role: str | None) -> None:
        """A role that came with a fetched object: later checks need no query."""
        self._roles[network_id] = role

    def role_in(self, network_id: int) -> str | None:
        if network_id not in self._roles:
            self._roles[network_id] = (
                Membership.objects.filter(user=self.user, network_id=network_id)
                .values_list("role", flat=True)
                .first()
                if self.is_authenticated
                else None
            )
        return self._roles[network_id]

    def is_member(self, network_id: int) -> bool:
        return self.role_in(network_id) is not None

    def can_lead(self, network_id: int) -> bool:
        """Plan meetings, add cases, run the console."""
        return role_leads(self.role_in(network_id))

    def can_review(self, case: CaseLike) -> bool:
        """Choose tips, record the client's decision and outcomes for this case."""
        return case.case_bringer_id == self.user.pk or self.can_lead(case.meeting.network_id)

    def network_count(self) -> int:
        if not self.is_authenticated:
            return 0
        return Membership.objects.filter(user=self.user).count()

    def lead_networks(self) -> models.QuerySet[Network]:
        """The networks where this viewer plans meetings."""
        if not self.is_authenticated:
            return Network.objects.none()
        return Network.objects.filter(
            memberships__user=self.user, memberships__role__in=LEAD_ROLES
        ).order_by("name")


class CaseLike(Protocol):
    """What `can_review` needs of a case discussion (networks does not import casework)."""

    case_bringer_id: int | None
    meeting: object


def viewer_for(request: HttpRequest) -> Viewer:
    """The request's viewer, made once and kept on the request."""
    viewer = getattr(request, "_akad_viewer", None)
    if viewer is None or viewer.user is not request.user:
        viewer = request._akad_viewer = Viewer(
            request.user, guest_secret=getattr(request, "session", {}).get(GUEST_SESSION_KEY)
        )
    return viewer


def has_guest_pass(request: HttpRequest) -> bool:
    """Whether the request comes from someone who joined a meeting with its code."""
    return viewer_for(request).has_guest_pass


def admit_guest(request: HttpRequest, secret: str) -> None:
    """Keep a new guest's secret in their session (a fresh session key: no fixation)."""
    request.session.cycle_key()
    request.session[GUEST_SESSION_KEY] = secret
    request.__dict__.pop("_akad_viewer", None)


# What a guest reaches ------------------------------------------------------------------------


def guest_meeting(viewer: Viewer, pk: int):
    """The meeting the viewer joined as a guest, loaded with their guest row; else 404
    (another meeting, no pass, removed by the facilitator, or the meeting is over)."""
    if not viewer.is_guest_of(pk):
        raise Http404("not a guest of this meeting")
    return viewer.guest.meeting


def fetch_own(viewer: Viewer, queryset: models.QuerySet, pk: int):
    """An object sent from the viewer's phone (its `guest` is theirs), or 404."""
    guest = viewer.guest
    if guest is None:
        raise Http404("not a guest")
    return get_object_or_404(queryset, pk=pk, guest_id=guest.pk)


# Objects of a network ----------------------------------------------------------------------


class NetworkScopedQuerySet(models.QuerySet):
    """A queryset of objects that belong to one network; `network_path` leads there."""

    network_path = "network"

    def for_viewer(self, viewer: Viewer) -> NetworkScopedQuerySet:
        return scope(self, viewer)


def scope(queryset: NetworkScopedQuerySet, viewer: Viewer) -> NetworkScopedQuerySet:
    """Only the objects of the viewer's own networks."""
    if not viewer.is_authenticated:
        return queryset.none()
    return queryset.filter(**{f"{queryset.network_path}__memberships__user": viewer.user})


def fetch(viewer: Viewer, queryset: NetworkScopedQuerySet, pk: int):
    """One object the viewer may see, or 404 (missing and forbidden alike).

    The viewer's role in the object's network comes from the same query (`viewer_role`), so
    the `can_…` checks that follow cost nothing.
    """
    path = queryset.network_path
    obj = get_object_or_404(
        scope(queryset, viewer).annotate(
            viewer_role=F(f"{path}__memberships__role"), viewer_network_id=F(path)
        ),
        pk=pk,
    )
    viewer.remember(obj.viewer_network_id, obj.viewer_role)
    return obj


def require(allowed: bool) -> None:
    """403 for a member whose role does not allow what they asked (they may see the object)."""
    if not allowed:
        raise PermissionDenied


# Rules about other people (a service checks whom a form names) ------------------------------


def members(network_ids, *, leads_only: bool = False) -> models.QuerySet[User]:
    """Active members of these networks; with `leads_only`, those who can run a meeting."""
    # One filter(): the role must be held in one of these networks, not in any network.
    membership = {"memberships__network_id__in": list(network_ids)}
    if leads_only:
        membership["memberships__role__in"] = LEAD_ROLES
    return (
        User.objects.filter(is_active=True, **membership)
        .distinct()
        .order_by("display_name", "email")
    )


def is_member(user, network_id: int) -> bool:
    return Membership.objects.filter(user=user, network_id=network_id).exists()


def can_facilitate(user, network_id: int) -> bool:
    """Only the network's leads are planned to facilitate a meeting: they run the console."""
    return Membership.objects.filter(user=user, network_id=network_id, role__in=LEAD_ROLES).exists()
