"""Follow-up: what came of a chosen tip, reported in a later meeting or in the review."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Meeting, Result, Tip, TipOutcome
from .versions import raised


@transaction.atomic
def record_outcome(
    *,
    tip: Tip,
    tried: bool,
    result: Result | str = "",
    why: str = "",
    reported_in: Meeting | None = None,
    reported_by: str = "",
    user=None,
    key: uuid.UUID | None = None,
) -> TipOutcome:
    """Record what came of a chosen tip; it then leaves the list awaiting follow-up.

    A second call with the same `key` (a double click, a retry) returns the first follow-up.
    """
    if not tip.chosen:
        raise ValidationError(_("Only a tip taken to the client can get a follow-up."))
    if tried and not result:
        raise ValidationError(_("Say whether it worked, partly worked or did not work."))
    if reported_in is not None and reported_in.network_id != tip.case.meeting.network_id:
        raise ValidationError(_("That meeting belongs to another network."))
    try:
        with transaction.atomic():
            outcome = TipOutcome.objects.create(
                key=key,
                tip=tip,
                tried=tried,
                result=Result(result) if tried else "",
                why=why.strip(),
                reported_in=reported_in,
                reported_by=reported_by.strip(),
                recorded_by=user if user is not None and user.is_authenticated else None,
            )
    except IntegrityError:
        existing = TipOutcome.objects.filter(key=key).first() if key else None
        if existing is None or existing.tip_id != tip.pk:
            raise ValidationError(_("This form was already used for another tip.")) from None
        return existing
    _renew_meetings_showing(tip)
    return outcome


@transaction.atomic
def correct_outcome(
    *,
    outcome: TipOutcome,
    tried: bool,
    result: Result | str = "",
    why: str = "",
    reported_by: str = "",
) -> TipOutcome:
    """Correct a follow-up as it was reported (a slip in the terugblik): same tip, same meeting."""
    if tried and not result:
        raise ValidationError(_("Say whether it worked, partly worked or did not work."))
    outcome.tried = tried
    outcome.result = Result(result) if tried else ""
    outcome.why, outcome.reported_by = why.strip(), reported_by.strip()
    outcome.save(update_fields=["tried", "result", "why", "reported_by"])
    _renew_meetings_showing(outcome.tip)
    return outcome


def _renew_meetings_showing(tip: Tip) -> None:
    """Its own meeting's report shows a follow-up, and so does every later meeting of the
    network: its terugblik lists the tip while it awaits one (wherever it is recorded)."""
    own = tip.case.meeting
    Meeting.objects.filter(network_id=own.network_id, starts_at__gte=own.starts_at).update(
        **raised()
    )
