"""Tips on the placemat: add (exactly once), edit or move, delete, moderate (hold, show,
hide), and the choices after."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from matrices.models import Column, Domain
from networks.models import Organisation

from ..models import TIP_MAX_LENGTH, CaseDiscussion, Decision, Guest, Tip
from ..steps import GuestTips, guest_tips
from ..text import tidy
from .versions import touch


def check_text(text: str, *, empty: str) -> str:
    """A tip's text tidied (no invisible direction controls), not empty, not too long."""
    text = tidy(text).strip()
    if not text:
        raise ValidationError(empty)
    if len(text) > TIP_MAX_LENGTH:
        raise ValidationError(
            _("A tip has at most %(limit)d characters; this one has %(count)d.")
            % {"limit": TIP_MAX_LENGTH, "count": len(text)}
        )
    return text


def _check_cell(case: CaseDiscussion, domain: Domain, column: Column) -> None:
    """Inside the write's transaction: the domain's goal stays locked until it commits."""
    if column.matrix_id != case.meeting.network.matrix_id:
        raise ValidationError(_("This column is not on the placemat."))
    if not case.goals.select_for_update().filter(domain=domain).exists():
        raise ValidationError(_("Mark the domain %(domain)s first.") % {"domain": domain})


def add_tip(
    *,
    case: CaseDiscussion,
    key: uuid.UUID,
    domain: Domain,
    column: Column,
    text: str,
    given_by: str = "",
    organisation: Organisation | None = None,
    user=None,
    guest: Guest | None = None,
    held: bool = False,
) -> tuple[Tip, bool]:
    """Add a tip once: a second call with the same key returns the first tip, unchanged.

    Returns (tip, created). The unique key in the database makes this safe against a double
    click or a retry racing the first request. A tip from a phone names its `guest`; a `held`
    one waits for the facilitator's "show" (services.guests decides).
    """
    text = check_text(text, empty=_("Write the tip first."))
    if organisation is not None and organisation.network_id != case.meeting.network_id:
        raise ValidationError(_("Unknown organisation."))
    try:
        with transaction.atomic():
            _check_cell(case, domain, column)
            tip = Tip.objects.create(
                key=key,
                case=case,
                domain=domain,
                column=column,
                text=text,
                given_by=tidy(given_by).strip(),
                organisation=organisation,
                created_by=user if user is not None and user.is_authenticated else None,
                guest=guest,
                held=held,
            )
            # A new tip is on the beamer, not on the phones or the attendance: their polls
            # stay unchanged (one query) however fast the room writes.
            touch(case.meeting_id, room=False)
    except IntegrityError:
        # This key was used before (a double click, a retry, or a race): that tip is the one.
        existing = Tip.objects.filter(key=key).first()
        if existing is None or existing.case_id != case.pk:
            raise ValidationError(_("This form was already used for another case.")) from None
        if guest is not None and existing.guest_id != guest.pk:
            raise ValidationError(_("This form was already used for another tip.")) from None
        return existing, False
    return tip, True


@transaction.atomic
def update_tip(
    *,
    tip: Tip,
    text: str,
    domain: Domain,
    column: Column,
    organisation: Organisation | None = None,
    given_by: str | None = None,
) -> Tip:
    """Edit a tip's text or move it to another cell."""
    text = check_text(text, empty=_("A tip cannot be empty."))
    _check_cell(tip.case, domain, column)
    tip.text, tip.domain, tip.column, tip.organisation = text, domain, column, organisation
    fields = ["text", "domain", "column", "organisation"]
    if given_by is not None:
        tip.given_by = given_by.strip()
        fields.append("given_by")
    tip.save(update_fields=fields)
    touch(tip.case.meeting_id)
    return tip


@transaction.atomic
def delete_tip(*, tip: Tip) -> None:
    """Delete a tip; one with a follow-up stays (what came of it belongs to the record)."""
    if tip.outcomes.exists():
        raise ValidationError(
            _("This tip has a follow-up: it stays, so that what came of it is kept.")
        )
    meeting_id = tip.case.meeting_id
    tip.delete()
    touch(meeting_id)


# Moderation ----------------------------------------------------------------------------------


GIVEN_BY_MAX = Tip._meta.get_field("given_by").max_length


def givers(*names: str) -> str:
    """Every giver once, in order, within the field's length ("Anna, Bob, Buurthuis")."""
    seen: list[str] = []
    for name in names:
        for part in (p.strip() for p in name.split(",")):
            if part and part.casefold() not in {s.casefold() for s in seen}:
                seen.append(part)
    joined = ", ".join(seen)
    return joined if len(joined) <= GIVEN_BY_MAX else joined[: GIVEN_BY_MAX - 1] + "…"


@transaction.atomic
def merge_tips(*, tip: Tip, into: Tip) -> Tip:
    """Two tips that say the same: `tip` goes into `into`, which keeps its text and cell and
    now names every giver of both. A tip with a follow-up is kept whole (as for deleting)."""
    if tip.pk == into.pk or tip.case_id != into.case_id:
        raise ValidationError(_("Pick another tip of this case to merge with."))
    if tip.outcomes.exists():
        raise ValidationError(
            _("This tip has a follow-up: it stays, so that what came of it is kept.")
        )
    into.given_by = givers(into.given_by, tip.given_by)
    if into.organisation_id is None and tip.organisation_id is not None:
        into.organisation_id = tip.organisation_id
    into.chosen = into.chosen or tip.chosen
    into.save(update_fields=["given_by", "organisation", "chosen"])
    tip.delete()
    touch(into.case.meeting_id)
    return into


@transaction.atomic
def hide_tip(*, tip: Tip, hidden: bool) -> Tip:
    """Hide a tip from the beamer and the reports (a prank, a tip that names someone), or
    show it again. It stays on the console, marked, so that hiding can be undone."""
    tip.hidden = hidden
    tip.save(update_fields=["hidden"])
    touch(tip.case.meeting_id)
    return tip


@transaction.atomic
def set_hold(*, case: CaseDiscussion, hold: bool) -> CaseDiscussion:
    """Hold new phone tips until the facilitator shows them, or stop holding (which shows the
    ones held so far, unless they are parked: the tips step has not opened yet)."""
    case.hold_phone_tips = hold
    case.save(update_fields=["hold_phone_tips"])
    if not hold and guest_tips(case.step) is not GuestTips.PARKED:
        case.tips.filter(held=True).update(held=False)
    touch(case.meeting_id)
    return case


@transaction.atomic
def show_held_tips(*, case: CaseDiscussion) -> int:
    """ "Tonen": every held tip of the case appears at once. Returns how many."""
    shown = case.tips.filter(held=True).update(held=False)
    touch(case.meeting_id)
    return shown


@transaction.atomic
def choose_tip(
    *,
    tip: Tip,
    chosen: bool,
    action_who: str = "",
    action_what: str = "",
    action_when: str = "",
) -> Tip:
    """The case-bringer takes a tip to the client (or not), with the action: who, what, when.

    A tip no longer taken to the client has no decision of the client either.
    """
    tip.chosen = chosen
    tip.action_who, tip.action_what, tip.action_when = (
        action_who.strip(),
        action_what.strip(),
        action_when.strip(),
    )
    if not chosen:
        tip.decision = Decision.PENDING
    tip.save(update_fields=["chosen", "action_who", "action_what", "action_when", "decision"])
    touch(tip.case.meeting_id)
    return tip


@transaction.atomic
def record_decision(*, tip: Tip, decision: Decision | str) -> Tip:
    """What the client decided about a chosen tip. The client decides, not the group."""
    if not tip.chosen and decision:
        raise ValidationError(_("Only a tip taken to the client can have the client's decision."))
    tip.decision = Decision(decision)
    tip.save(update_fields=["decision"])
    touch(tip.case.meeting_id)
    return tip
