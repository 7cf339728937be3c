"""One meeting, case or tip for a viewer: what is loaded with it.

Whether the viewer may have it is decided in `networks.access` (404 outside their networks):
by `fetch`, or by a `Fetch`, the same check with its SQL compiled once. Each fetch joins only
what nearly every view of it shows: every joined table costs PostgreSQL planning time on
every request (measured: the case with matrix, case-bringer and spotlight joined took 6.5 ms,
with its meeting, network and client 1.5 ms); a page that needs more loads it with one small
query of its own.
"""

from __future__ import annotations

from django.db.models import F

from akad.statements import Statement
from networks.access import Fetch, Viewer, fetch, fetch_export, fetch_own

from ..models import CaseDiscussion, Client, Guest, Meeting, Tip, hash_token

# The fetches that nearly every request of a session makes: their statements are compiled once
# (networks.access.Fetch); the others build theirs per request (`fetch`).
case_for = Fetch(CaseDiscussion.objects.select_related("meeting__network", "client"))
meeting_for = Fetch(Meeting.objects.select_related("network", "current_case__client"))
tip_for = Fetch(Tip.objects.select_related("case__meeting__network", "case__client"))
# Someone present at a meeting of the viewer's networks (the facilitator's list).
guest_for = Fetch(Guest.objects.select_related("meeting__network"))


# The meeting as a beamer's changed poll needs it when another screen rendered that version
# already (views.beamer.shared_content): its row, and when its current case's step began
# (`current_step_started_at`, part of the shared render's key). Joining its network, case and
# client as `meeting_for` does was a third of such a poll; a render that is not shared yet
# loads them (`meeting_shown`).
meeting_for_poll = Fetch(
    Meeting.objects.annotate(current_step_started_at=F("current_case__step_started_at"))
)


def meeting_shown(pk: int) -> Meeting:
    """A meeting with what its beamer shows (network, current case, client), in one query:
    for a render, once `fetch` has decided the access."""
    return Meeting.objects.select_related("network", "current_case__client").get(pk=pk)


# The case as adding a tip to it needs it: its meeting and network, without the client (a page
# drawn after a refused tip loads it on first use).
case_for_tip = Fetch(CaseDiscussion.objects.select_related("meeting__network"))


# A phone shows the case's pseudonym and question, never the rest of the presentation.
PHONE_NEVER_SHOWS = ("situation", "social_network", "strengths", "desired_situation")


# Every request from a phone asks this; its statement is compiled once (akad.statements).
_guest_with_secret = Statement(
    lambda token_hash: (
        Guest.objects.select_related(
            "meeting__network", "meeting__current_case__client", "organisation"
        )
        .defer(*(f"meeting__current_case__{name}" for name in PHONE_NEVER_SHOWS))
        .filter(token_hash=token_hash, removed_at__isnull=True)
        .order_by()[:1]  # one secret, one row
    ),
    token_hash=str,
)


def guest_for_secret(secret: str) -> Guest | None:
    """The guest whose session holds `secret`, with what their phone shows loaded (one query);
    None once they were removed or their meeting is over. `networks.access` asks this."""
    found = _guest_with_secret(token_hash=hash_token(secret))
    if not found or not found[0].meeting.takes_guests():
        return None
    return found[0]


def own_tip_for(viewer: Viewer, pk: int) -> Tip:
    """A tip sent from the viewer's phone (404 for anyone else's)."""
    return fetch_own(viewer, Tip.objects.select_related("case__meeting__network"), pk)


def client_for(viewer: Viewer, pk: int) -> Client:
    return fetch(viewer, Client.objects.select_related("network"), pk)


def client_to_export(viewer: Viewer, pk: int) -> Client:
    """A client whose whole record the viewer downloads (404 unless they may export it)."""
    return fetch_export(viewer, Client.objects.select_related("network", "case_bringer"), pk)
