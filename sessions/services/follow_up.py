"""Follow-up: what came of a chosen tip, reported in a later meeting or in the review."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ..models import Meeting, Result, Tip, TipOutcome


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
    # Its own meeting's report shows it, and so does every later meeting of the network: its
    # terugblik lists the tip while it awaits a follow-up (wherever the outcome is recorded).
    own = tip.case.meeting
    Meeting.objects.filter(network_id=own.network_id, starts_at__gte=own.starts_at).update(
        version=F("version") + 1
    )
    return outcome
