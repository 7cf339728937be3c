"""One meeting, case or tip for a viewer: what is loaded with it.

Whether the viewer may have it is decided in `networks.access.fetch` (404 outside their
networks). Each fetch joins only what nearly every view of it shows: every joined table costs
PostgreSQL about a millisecond of planning per request (measured: the case with matrix,
case-bringer and spotlight joined took 6.5 ms, with its meeting, network and client 1.5 ms);
a page that needs more loads it with one small query of its own.
"""

from __future__ import annotations

from networks.access import Viewer, fetch

from ..models import CaseDiscussion, Client, Meeting, Tip


def case_for(viewer: Viewer, pk: int) -> CaseDiscussion:
    return fetch(viewer, CaseDiscussion.objects.select_related("meeting__network", "client"), pk)


def meeting_for(viewer: Viewer, pk: int) -> Meeting:
    return fetch(viewer, Meeting.objects.select_related("network", "current_case__client"), pk)


def tip_for(viewer: Viewer, pk: int) -> Tip:
    return fetch(viewer, Tip.objects.select_related("case__meeting__network", "case__client"), pk)


def client_for(viewer: Viewer, pk: int) -> Client:
    return fetch(viewer, Client.objects.select_related("network"), pk)
