"""The live flow of a case discussion: steps, presentation, domains, spotlight, rating."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matrices.models import Column, Domain, Level

from ..models import CaseDiscussion, DomainGoal, Meeting, Step
from ..steps import ORDER, GuestTips, guest_tips
from .versions import raised, touch


@transaction.atomic
def go_to_step(*, case: CaseDiscussion, step: Step | str) -> CaseDiscussion:
    """Move the discussion to `step` (forward or back), restart its timer, put it on the beamer."""
    step = Step(step)
    now = timezone.now()
    case.step = step
    case.step_started_at = now
    if case.started_at is None:
        case.started_at = now
    if step == Step.TIPS and case.spotlight_id is None and not case.tips.exists():
        # Tips start at the left: the first column in the spotlight. Later (tips given) the
        # facilitator's choice stands, "all columns" included.
        matrix_id = case.meeting.network.matrix_id
        case.spotlight = Column.objects.filter(matrix_id=matrix_id).order_by("order").first()
    case.save(update_fields=["step", "step_started_at", "started_at", "spotlight"])
    _release_held_tips(case, step)
    Meeting.objects.filter(pk=case.meeting_id).update(current_case=case, **raised())
    return case


def _release_held_tips(case: CaseDiscussion, step: Step) -> None:
    """Tips parked in the domains step appear when the tips step opens (unless the facilitator
    holds phone tips), and once the tips round is over no held tip stays out of sight."""
    opens = guest_tips(step) is GuestTips.OPEN and not case.hold_phone_tips
    last_open = max(i for i, s in enumerate(ORDER) if guest_tips(s) is not GuestTips.CLOSED)
    if opens or ORDER.index(step) > last_open:
        case.tips.filter(held=True).update(held=False)


@transaction.atomic
def save_presentation(*, case: CaseDiscussion, **fields: str) -> CaseDiscussion:
    """Autosave of the presentation fields; only the fields given are written."""
    unknown = set(fields) - set(CaseDiscussion.PRESENTATION_FIELDS)
    if unknown:
        raise ValueError(f"not presentation fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(case, name, value)
    case.save(update_fields=list(fields))
    touch(case.meeting_id)
    return case


# Domains -------------------------------------------------------------------------------------


@transaction.atomic
def set_domain_goal(
    *,
    case: CaseDiscussion,
    domain: Domain,
    goal: str = "",
    current_level: Level | None = None,
    target_level: Level | None = None,
) -> DomainGoal:
    """Mark a domain for this case (or update its goal and levels)."""
    if domain.domain_set_id != case.meeting.network.matrix.domain_set_id:
        raise ValidationError(_("This domain is not part of the network's ZRM."))
    goal_row, _created = DomainGoal.objects.update_or_create(
        case=case,
        domain=domain,
        defaults={"goal": goal, "current_level": current_level, "target_level": target_level},
    )
    touch(case.meeting_id)
    return goal_row


@transaction.atomic
def unmark_domain(*, case: CaseDiscussion, domain: Domain) -> None:
    """Unmark a domain. Refused while it holds tips, so that no tip is lost."""
    # Lock the goal first, as add_tip does: a tip cannot land in it while it is unmarked.
    list(DomainGoal.objects.select_for_update().filter(case=case, domain=domain))
    if case.tips.filter(domain=domain).exists():
        raise ValidationError(
            _("%(domain)s still holds tips. Move or delete them first.") % {"domain": domain}
        )
    DomainGoal.objects.filter(case=case, domain=domain).delete()
    touch(case.meeting_id)


@transaction.atomic
def set_spotlight(*, case: CaseDiscussion, column: Column | None) -> CaseDiscussion:
    if column is not None and column.matrix_id != case.meeting.network.matrix_id:
        raise ValidationError(_("This column is not on the placemat."))
    case.spotlight = column
    case.save(update_fields=["spotlight"])
    touch(case.meeting_id)
    return case


@transaction.atomic
def rate_session(*, case: CaseDiscussion, rating: int | None, remark: str = "") -> CaseDiscussion:
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError(_("Give a rating from 1 to 5."))
    case.rating, case.rating_remark = rating, remark.strip()
    case.save(update_fields=["rating", "rating_remark"])
    touch(case.meeting_id)
    return case
