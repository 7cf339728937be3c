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

Every page, fragment and PDF that shows or changes a client's data is written to the access
log where it is fetched (`fetch`, `fetch_own`, `guest_meeting`), and so is every file of care
data downloaded (`fetch_export`, `log_export`: only the coordinator, `can_export`).

Sign-in and the admin have their rules here too: who must use a second factor
(`must_use_two_factor`), who may hand someone a set-up link for it (`may_issue_setup_link`),
which networks a staff account administers (`administered_networks`, `may_administer_user`);
and the security events of sign-in are written here (`log_sign_in_event`), where the rest of
the app's records of who did what are written too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.crypto import salted_hmac

from akad.proxies import client_address
from akad.statements import Statement

from .models import AccessEvent, Membership, Network, Role, User

if TYPE_CHECKING:
    from django.http import HttpRequest

# Coordinators and facilitators plan meetings and drive the live session.
LEAD_ROLES = frozenset({Role.COORDINATOR, Role.FACILITATOR})


def role_leads(role: str | None) -> bool:
    """Whether a member with this role plans meetings and runs the console."""
    return role in LEAD_ROLES


def role_reads_access_log(role: str | None) -> bool:
    """The network's coordinators answer for who saw its clients' data."""
    return role == Role.COORDINATOR


def role_manages_sign_in(role: str | None) -> bool:
    """A network's coordinators get its members started with two-factor sign-in."""
    return role == Role.COORDINATOR


class GuestLike(Protocol):
    """What this module needs of a guest row (casework's `Guest`)."""

    pk: int
    display_name: str
    meeting_id: int
    meeting: object
    network_id: int
    shown_client_id: int | None  # the client whose case their phone shows now


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
    when they joined a meeting with its code, their guest row (looked up on first use).

    Made by `viewer_for(request)`, it keeps the request so that `fetch` can log the access;
    one made without a request (a test, a command) logs nothing.
    """

    def __init__(self, user, request: HttpRequest | None = None, guest_secret: str | None = None):
        self.user = user
        self.request = request
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

    def can_read_access_log(self, network_id: int) -> bool:
        return role_reads_access_log(self.role_in(network_id))

    def can_manage_sign_in(self, network_id: int) -> bool:
        """See the members' two-factor sign-in and hand out set-up links: the coordinator's."""
        return role_manages_sign_in(self.role_in(network_id))

    def can_erase_clients(self, network_id: int) -> bool:
        """Erasing a client for good (the AVG's right to erasure) is the coordinator's call."""
        return self.role_in(network_id) == Role.COORDINATOR

    def can_export(self, network_id: int) -> bool:
        """Download care data as a file: everything about one client (their right of access,
        AVG art. 15) or the access log. The coordinator answers for both, as for the log and
        for erasure; a file leaves the app's access rules behind, so nobody else may."""
        return self.role_in(network_id) == Role.COORDINATOR

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
            request.user,
            request,
            guest_secret=getattr(request, "session", {}).get(GUEST_SESSION_KEY),
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
    guest = viewer.guest
    if viewer.request is not None and guest.shown_client_id is not None:
        # The phone shows the current case's pseudonym and question: that is in the log too.
        log_access(viewer, network_id=guest.network_id, client=guest.shown_client_id, meeting=pk)
    return guest.meeting


def fetch_own(viewer: Viewer, queryset: NetworkScopedQuerySet, pk: int):
    """An object sent from the viewer's phone (its `guest` is theirs), or 404; logged as
    `fetch` logs."""
    guest = viewer.guest
    if guest is None:
        raise Http404("not a guest")
    about = {
        f"logged_{name}": F(getattr(queryset, f"{name}_path"))
        for name in ("client", "meeting")
        if getattr(queryset, f"{name}_path")
    }
    obj = get_object_or_404(queryset.annotate(**about), pk=pk, guest_id=guest.pk)
    if viewer.request is not None:
        log_access(
            viewer,
            network_id=guest.network_id,
            client=getattr(obj, "logged_client", None),
            meeting=getattr(obj, "logged_meeting", None),
        )
    return obj


# Objects of a network ----------------------------------------------------------------------


class NetworkScopedQuerySet(models.QuerySet):
    """A queryset of objects that belong to one network; `network_path` leads there, and
    `client_path` and `meeting_path` (where the object has one) to its client and meeting,
    for the access log."""

    network_path = "network"
    client_path: str | None = None
    meeting_path: str | None = None

    def for_viewer(self, viewer: Viewer) -> NetworkScopedQuerySet:
        return scope(self, viewer)


def scope(queryset: NetworkScopedQuerySet, viewer: Viewer) -> NetworkScopedQuerySet:
    """Only the objects of the viewer's own networks."""
    if not viewer.is_authenticated:
        return queryset.none()
    return _of_member(queryset, viewer.user)


def _of_member(queryset: NetworkScopedQuerySet, user) -> NetworkScopedQuerySet:
    return queryset.filter(**{f"{queryset.network_path}__memberships__user": user})


def _checked(queryset: NetworkScopedQuerySet, user) -> NetworkScopedQuerySet:
    """The objects of `user`'s networks, annotated with their role there and what the log
    names: the access check of `fetch`, and of `Fetch`, which compiles it once."""
    path = queryset.network_path
    about = {
        name: F(getattr(queryset, f"{name}_path"))
        for name in ("client", "meeting")
        if getattr(queryset, f"{name}_path")
    }
    return _of_member(queryset, user).annotate(
        viewer_role=F(f"{path}__memberships__role"),
        viewer_network_id=F(path),
        **{f"logged_{name}": value for name, value in about.items()},
    )


def _fetched(viewer: Viewer, queryset: NetworkScopedQuerySet, pk: int):
    """The object, annotated with the viewer's role and what the log names; or 404."""
    if not viewer.is_authenticated:
        raise Http404
    obj = get_object_or_404(_checked(queryset, viewer.user), pk=pk)
    viewer.remember(obj.viewer_network_id, obj.viewer_role)
    return obj


def _log_fetched(viewer: Viewer, obj) -> None:
    if viewer.request is not None:
        log_access(
            viewer,
            network_id=obj.viewer_network_id,
            client=getattr(obj, "logged_client", None),
            meeting=getattr(obj, "logged_meeting", None),
        )


def fetch(viewer: Viewer, queryset: NetworkScopedQuerySet, pk: int):
    """One object the viewer may see, or 404 (missing and forbidden alike).

    The viewer's role in the object's network comes from the same query (`viewer_role`), so
    the `can_…` checks that follow cost nothing.
    """
    obj = _fetched(viewer, queryset, pk)
    _log_fetched(viewer, obj)
    return obj


# A primary key is a bigint: a larger number in a URL is no object (the ORM's lookup says the
# same; a statement would send it to the database, which refuses it).
LARGEST_PK = 2**63 - 1


class Fetch:
    """`fetch` of one queryset for the requests that come every second (a changed beamer
    poll, a tip): the same check and log, its SQL built once (akad.statements)."""

    def __init__(self, queryset: NetworkScopedQuerySet):
        self.statement = Statement(
            # One row: no ordering to sort by (the ORM's `get` drops it too).
            lambda user, pk: _checked(queryset, user).filter(pk=pk).order_by(),
            user=int,
            pk=int,
        )

    def __call__(self, viewer: Viewer, pk: int):
        if not viewer.is_authenticated or type(pk) is not int or not 0 < pk <= LARGEST_PK:
            raise Http404
        found = self.statement(user=viewer.user.pk, pk=pk)
        if not found:
            raise Http404
        obj = found[0]
        viewer.remember(obj.viewer_network_id, obj.viewer_role)
        _log_fetched(viewer, obj)
        return obj


# Exports: care data leaving the app as a file -------------------------------------------------


def fetch_export(viewer: Viewer, queryset: NetworkScopedQuerySet, pk: int):
    """One object whose data the viewer downloads as a file, or 404: a missing object, one
    outside their networks and a role that may not export (`can_export`) answer the same.
    Logged as an export (not as a view), with its client and meeting."""
    obj = _fetched(viewer, queryset, pk)
    if not viewer.can_export(obj.viewer_network_id):
        raise Http404("may not export")
    if viewer.request is not None:
        log_export(
            viewer,
            network_id=obj.viewer_network_id,
            client=getattr(obj, "logged_client", None),
            meeting=getattr(obj, "logged_meeting", None),
        )
    return obj


def network_for_export(viewer: Viewer, pk: int) -> Network:
    """One of the viewer's networks whose data (the access log) they may download as a
    file, or 404 as `fetch_export` answers. The view logs the export (`log_export`) once it
    knows what the file is about."""
    network = network_for(viewer, pk)
    if not viewer.can_export(network.pk):
        raise Http404("may not export")
    return network


def log_export(
    viewer: Viewer, *, network_id: int, client: int | None = None, meeting: int | None = None
) -> AccessEvent:
    """A file of care data was downloaded: who, when, about which client (if one)."""
    return log_access(
        viewer, network_id=network_id, client=client, meeting=meeting, kind=AccessEvent.Kind.EXPORT
    )


# The access log (NEN 7513) records who looked at which client's data, when and on which page;
# not every repeat of the same look. A beamer or a phone redraws after every change in the
# room (every tip): one row per screen per change would be most of the log, and a write on
# the hottest requests. So a view is logged once per screen (login session), page, address,
# client and meeting within LOOK_WINDOW: a screen that keeps looking gets a row at least
# every LOOK_WINDOW; another page, client, meeting or screen gets its own row; a change is
# always logged. What was logged is remembered in the cache below, not in the session: a
# session write per look would cost a query and could overwrite what a concurrent request of
# the same session wrote. The cache is per process unless shared (REDIS_URL): a look served
# by another process is logged again, a duplicate row, never a missing one.
LOOK_WINDOW = 5 * 60  # seconds
LOOKS_CACHE = "access-log"  # settings.CACHES: its own, so that looks never evict renders


def _look_key(viewer: Viewer, *, page: str, path: str, **about) -> str | None:
    """The cache key of this look: a keyed hash (the session key is a secret)."""
    session = getattr(viewer.request, "session", None)
    session_key = getattr(session, "session_key", None)
    if not session_key:
        return None
    parts = [session_key, page, path, *(f"{name}={about[name]}" for name in sorted(about))]
    digest = salted_hmac("akad.access-log", "\0".join(parts), algorithm="sha256")
    return f"look:{digest.hexdigest()}"


def _seen(key: str) -> bool:
    try:
        return caches[LOOKS_CACHE].get(key) is not None
    except Exception:  # noqa: BLE001 (a cache fault costs a duplicate row, never a missing one)
        return False


def _remember(key: str) -> None:
    try:
        caches[LOOKS_CACHE].set(key, 1, LOOK_WINDOW)
    except Exception:  # noqa: BLE001, S110 (not remembered: the next look is logged again)
        pass


def log_access(
    viewer: Viewer,
    *,
    network_id: int,
    client: int | None = None,
    meeting: int | None = None,
    kind: str | None = None,
) -> AccessEvent | None:
    """Append who looked at (GET) or changed (any other method) which client's data, where.

    A view the same screen logged within LOOK_WINDOW adds nothing (None); a change always
    adds its row.
    """
    request = viewer.request
    # An export's query string is what it holds (the access log's filter): it goes with it.
    address = request.get_full_path() if kind == AccessEvent.Kind.EXPORT else request.path
    match = getattr(request, "resolver_match", None)
    if kind is None:
        kind = (
            AccessEvent.Kind.VIEW if request.method in ("GET", "HEAD") else AccessEvent.Kind.CHANGE
        )
    page, path = (match.view_name if match else "")[:100], address[:300]
    look = None
    if kind == AccessEvent.Kind.VIEW:
        look = _look_key(
            viewer, page=page, path=path, network=network_id, client=client, meeting=meeting
        )
        if look is not None and _seen(look):
            return None
    if viewer.is_authenticated:
        actor = viewer.user.get_username()
    elif viewer.guest is not None:  # no account: the name they joined with, and their row
        actor = f"{viewer.guest.display_name} (guest {viewer.guest.pk})"
    else:
        actor = ""
    event = AccessEvent.objects.create(
        network_id=network_id,
        user=viewer.user if viewer.is_authenticated else None,
        actor=actor[:200],
        kind=kind,
        client_number=client,
        meeting_number=meeting,
        page=page,
        path=path,
    )
    if look is not None:
        # Remembered once the row is committed: a look whose row was rolled back is logged
        # at the next one.
        transaction.on_commit(lambda: _remember(look))
    return event


def network_for(viewer: Viewer, pk: int) -> Network:
    """One of the viewer's networks, or 404 (missing and forbidden alike)."""
    if not viewer.is_authenticated:
        raise Http404
    network = get_object_or_404(
        Network.objects.filter(memberships__user=viewer.user).annotate(
            viewer_role=F("memberships__role")
        ),
        pk=pk,
    )
    viewer.remember(network.pk, network.viewer_role)
    return network


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


def log_erasure(*, network_id: int, client_number: int, actor: str, user=None) -> AccessEvent:
    """A client was erased: the log keeps the number, who did it and when, nothing else."""
    return AccessEvent.objects.create(
        network_id=network_id,
        user=user,
        actor=actor[:200],
        kind=AccessEvent.Kind.ERASE,
        client_number=client_number,
        page="",
        path="",
    )


# Sign-in and administration -----------------------------------------------------------------


def must_use_two_factor(user) -> bool:
    """Whether this person must sign in with a second factor (an authenticator app's code,
    or a recovery code): platform administrators (staff and superusers), coordinators of
    any network, and every member of a network that asks it of all its members."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(_asks_two_factor(), user=user).exists()


def _asks_two_factor() -> Q:
    """The memberships that ask for a second factor."""
    return Q(role=Role.COORDINATOR) | Q(network__require_two_factor=True)


def two_factor_rule(user_path: str) -> Q:
    """`must_use_two_factor` as a condition on the person at `user_path`, for a list of
    people in one query."""
    return (
        Q(**{f"{user_path}__is_staff": True})
        | Q(**{f"{user_path}__is_superuser": True})
        | Exists(Membership.objects.filter(_asks_two_factor(), user=OuterRef(user_path)))
    )


def administered_networks(user) -> models.QuerySet[Network] | None:
    """The networks a staff account administers in Django's admin; None means all of them.

    The admin is the platform operator's: a superuser administers every network. A staff
    account that is not a superuser (given model permissions for support work) administers
    only the networks it coordinates, and sees no row of any other network.
    """
    if user.is_superuser:
        return None
    if not user.is_staff:
        return Network.objects.none()
    return Network.objects.filter(
        memberships__user=user, memberships__role=Role.COORDINATOR
    ).distinct()


def administered_users(user) -> models.QuerySet[User] | None:
    """The accounts a staff account sees in the admin; None means all of them.

    The members of its networks, and accounts that belong to no network yet (so that a new
    account can be given its first membership); never a superuser's.
    """
    networks = administered_networks(user)
    if networks is None:
        return None
    return User.objects.filter(
        Q(memberships__network__in=networks) | Q(memberships__isnull=True),
        is_superuser=False,
    ).distinct()


def may_administer_user(admin_user, user) -> bool:
    """Change (password, e-mail, permissions) or delete another person's account.

    Not a staff account, and not someone who is also a member of a network the staff user
    does not administer: that would reach into the other network's data.
    """
    networks = administered_networks(admin_user)
    if networks is None:
        return True
    if user.is_staff or user.is_superuser:
        return False
    return not Membership.objects.filter(user=user).exclude(network__in=networks).exists()


def coordinated_networks(user) -> models.QuerySet:
    """The ids of the networks `user` coordinates (a subquery)."""
    return Membership.objects.filter(user=user, role=Role.COORDINATOR).values("network_id")


def may_issue_setup_link(issuer, user, *, other_networks: bool | None = None) -> bool:
    """Make a set-up link for `user` (and with it, reset their app): whoever hands it over
    vouches that it reaches that person.

    The platform operator (a superuser) for anyone; a coordinator for the members of a
    network they coordinate, but never for a platform administrator (staff), whose account
    reaches further than the coordinator's network; nobody for themselves (their account
    page, or the operator, serves them). A link does not replace a password the account
    has: the set-up asks for it. An account without one gets its password from the link's
    holder, so only someone who coordinates *every* network of the account links it.

    `other_networks`: whether `user` belongs to a network the issuer does not coordinate,
    when a list already looked that up for its rows (the issuer coordinates the list's).
    """
    if not issuer.is_authenticated or not user.is_active or issuer.pk == user.pk:
        return False
    if issuer.is_superuser:
        return True
    if user.is_staff or user.is_superuser:
        return False
    if other_networks is None:
        theirs = Membership.objects.filter(user=user)
        if not theirs.filter(network_id__in=coordinated_networks(issuer)).exists():
            return False
        other_networks = theirs.exclude(network_id__in=coordinated_networks(issuer)).exists()
    return user.has_usable_password() or not other_networks


# Security events of sign-in ----------------------------------------------------------------

# Django's own security messages go to the `django.security.*` loggers; ours to this one,
# kept at INFO whatever LOG_LEVEL says (akad/settings.py): who let whom set up an app, and
# what was refused. The records themselves (a set-up link: who made it, when it was used)
# are rows of networks.SetupLink; failed logins are django-axes'.
security_log = logging.getLogger("akad.security")


def log_sign_in_event(
    event: str, *, user=None, request: HttpRequest | None = None, warning: bool = False, **details
) -> None:
    """One named event (`setup_link_created`, `login_refused_without_app`, …): the person it
    is about, the client address, and `details` as key=value."""
    fields = {"user": user.get_username() if user is not None else "-"}
    if request is not None:
        fields["address"] = client_address(request)
    fields.update({key: value for key, value in details.items() if value is not None})
    security_log.log(
        logging.WARNING if warning else logging.INFO,
        "%s %s",
        event,
        " ".join(f"{key}={value}" for key, value in fields.items()),
        extra={"akad_event": event, "akad_fields": fields},
    )
