"""Who may see and change what. Everything is scoped to the user's own networks (404 outside).

Within a network: coordinators and facilitators run sessions; the case-bringer of a case
(and the leads) review its tips; every member may look.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404

from akad.models import LEAD_ROLES, Membership

from .models import CaseDiscussion, Meeting, Tip

# Each fetch joins only what nearly every view of it shows. Every joined table costs
# PostgreSQL about a millisecond of planning per request (measured: the case with matrix,
# case-bringer and spotlight joined took 6.5 ms, with its meeting, network and client 1.5 ms);
# a page that needs more loads it with one small query of its own.


def case_for_user(user, pk: int) -> CaseDiscussion:
    """The case, with `viewer_role` (the user's role in its network) from the same query."""
    return get_object_or_404(
        CaseDiscussion.objects.for_user(user)
        .annotate(viewer_role=F("meeting__network__memberships__role"))
        .select_related("meeting__network", "client"),
        pk=pk,
    )


def meeting_for_user(user, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.for_user(user)
        .annotate(viewer_role=F("network__memberships__role"))
        .select_related("network", "current_case__client"),
        pk=pk,
    )


def tip_for_user(user, pk: int) -> Tip:
    tip = get_object_or_404(
        Tip.objects.for_user(user)
        .annotate(viewer_role=F("case__meeting__network__memberships__role"))
        .select_related("case__meeting__network", "case__client"),
        pk=pk,
    )
    tip.case.viewer_role = tip.viewer_role
    return tip


def role_in(user, network_id: int) -> str | None:
    return (
        Membership.objects.filter(user=user, network_id=network_id)
        .values_list("role", flat=True)
        .first()
    )


def is_lead(user, network_id: int) -> bool:
    return role_in(user, network_id) in LEAD_ROLES


def require_lead_role(obj) -> None:
    """For an object from `*_for_user`: only coordinators and facilitators may go on."""
    if obj.viewer_role not in LEAD_ROLES:
        raise PermissionDenied


def require_lead(user, network_id: int) -> None:
    """Coordinators and facilitators run the live session."""
    if not is_lead(user, network_id):
        raise PermissionDenied


def can_review(user, case: CaseDiscussion) -> bool:
    if case.case_bringer_id == user.pk:
        return True
    role = getattr(case, "viewer_role", None) or role_in(user, case.meeting.network_id)
    return role in LEAD_ROLES


def require_reviewer(user, case: CaseDiscussion) -> None:
    """The case-bringer (and the network's leads) choose tips and record decisions."""
    if not can_review(user, case):
        raise PermissionDenied
