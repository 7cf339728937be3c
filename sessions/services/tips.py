"""Tips on the placemat: add (exactly once), edit or move, delete, moderate (hold, show,
hide), and the choices after."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from matrices.models import Column, Domain
from networks.models import Organisation

from ..models import TIP_MAX_LENGTH, CaseDiscussion, Decision, DomainGoal, Guest, Meeting, Tip
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


class LockedCell(NamedTuple):
    """What a new tip's write depends on, read in one statement inside its transaction with
    the domain's goal locked (`add_tip`): the case's step and hold and the meeting's current
    case as they are then, and the guest's tips since `count_since`. A phone's tip is decided
    on these (services.guests)."""

    step: str
    hold_phone_tips: bool
    current_case_id: int | None
    guest_tips_since: int
    column_ok: bool
    organisation: Organisation | None  # the one given, if it is the network's
    stored_id: int | None  # a tip stored before with this key


_ORGANISATION_FIELDS = [field.attname for field in Organisation._meta.concrete_fields]


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Adding a tip reads what it depends on in one statement, written out once: built by the ORM
# (with a query per check) it was half the cost of adding a tip, most of it compiling the
# queries anew on every request; run, this statement takes microseconds.
@functools.cache
def _cell_sql() -> str:
    organisation_fields = [
        f"o.{connection.ops.quote_name(field.column)}"
        for field in Organisation._meta.concrete_fields
    ]
    goal_case, case_meeting = _column(DomainGoal, "case"), _column(CaseDiscussion, "meeting")
    sql = (
        f"SELECT k.{_column(CaseDiscussion, 'step')}, "
        f"k.{_column(CaseDiscussion, 'hold_phone_tips')}, "
        f"m.{_column(Meeting, 'current_case')}, "
        f"(SELECT COUNT(*) FROM {_table(Tip)} t WHERE t.{_column(Tip, 'guest')} = %s "
        f"AND t.{_column(Tip, 'created_at')} >= %s), "
        f"EXISTS (SELECT 1 FROM {_table(Column)} c WHERE c.{_column(Column, 'id')} = %s "
        f"AND c.{_column(Column, 'matrix')} = %s), "
        f"(SELECT t.{_column(Tip, 'id')} FROM {_table(Tip)} t WHERE t.{_column(Tip, 'key')} = %s), "
        f"{', '.join(organisation_fields)} "
        f"FROM {_table(DomainGoal)} g "
        f"JOIN {_table(CaseDiscussion)} k ON k.{_column(CaseDiscussion, 'id')} = g.{goal_case} "
        f"JOIN {_table(Meeting)} m ON m.{_column(Meeting, 'id')} = k.{case_meeting} "
        f"LEFT JOIN {_table(Organisation)} o ON o.{_column(Organisation, 'id')} = %s "
        f"AND o.{_column(Organisation, 'network')} = %s "
        f"WHERE g.{goal_case} = %s AND g.{_column(DomainGoal, 'domain')} = %s"
    )
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF g"  # the goal's row only (SQLite: the write lock is the file's)
    return sql


def _lock_cell(
    case: CaseDiscussion,
    *,
    key: uuid.UUID,
    domain_id: int,
    column_id: int,
    organisation_id: int | None,
    guest: Guest | None,
    count_since: datetime | None,
) -> LockedCell | None:
    """The cell's statement; None when the domain is not marked for the case. The goal's row
    stays locked until the write commits, so that the domain cannot be unmarked under the new
    tip (services.live.unmark_domain locks it too)."""
    network = case.meeting.network
    params = [
        guest.pk if guest is not None else None,
        connection.ops.adapt_datetimefield_value(count_since),
        column_id,
        network.matrix_id,
        Tip._meta.get_field("key").get_db_prep_value(key, connection),
        organisation_id,
        network.pk,
        case.pk,
        domain_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_cell_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    step, hold, current_case_id, since, column_ok, stored_id, *organisation = row
    found = None
    if organisation[0] is not None:
        found = Organisation.from_db(connection.alias, _ORGANISATION_FIELDS, organisation)
    return LockedCell(step, bool(hold), current_case_id, since, bool(column_ok), found, stored_id)


class _Stored(Exception):
    """Leaves the write's transaction: the tip with this key is stored already."""


def add_tip(
    *,
    case: CaseDiscussion,
    key: uuid.UUID,
    domain: Domain | int,
    column: Column | int,
    text: str,
    given_by: str = "",
    organisation: Organisation | int | None = None,
    user=None,
    guest: Guest | None = None,
    held: bool | Callable[[LockedCell], bool] = False,
    count_since: datetime | None = None,
) -> tuple[Tip, bool]:
    """Add a tip once: a second call with the same key returns the first tip, unchanged.

    Returns (tip, created). The unique key in the database makes this safe against a double
    click or a retry racing the first request. The domain, column and organisation may be
    given by their ids, as a form posts them: whether they are this placemat's and this
    network's is checked here, in the statement that locks the domain's goal (`_lock_cell`),
    and a wrong one is a ValidationError naming the field, as a form's would.

    A tip from a phone names its `guest`; a `held` one waits for the facilitator's "show".
    services.guests passes the rule that decides it from the cell as locked, which refuses
    the tip (raises) when the round is over or the guest sent too many since `count_since`;
    a retry of a stored tip is answered before any rule.
    """
    text = check_text(text, empty=_("Write the tip first."))
    domain_id, column_id = getattr(domain, "pk", domain), getattr(column, "pk", column)
    organisation_id = getattr(organisation, "pk", organisation)
    cell = None
    try:
        with transaction.atomic():
            cell = _lock_cell(
                case,
                key=key,
                domain_id=domain_id,
                column_id=column_id,
                organisation_id=organisation_id,
                guest=guest,
                count_since=count_since,
            )
            if cell is None or cell.stored_id is not None:
                raise _Stored  # or the domain is not marked: below
            tip_held = held(cell) if callable(held) else held
            if not cell.column_ok:
                raise ValidationError({"column": _("Pick a column of the placemat.")})
            if organisation_id is not None and cell.organisation is None:
                raise ValidationError({"organisation": _("Pick an organisation of this network.")})
            tip = Tip.objects.create(
                key=key,
                case=case,
                domain_id=domain_id,
                column_id=column_id,
                text=text,
                given_by=tidy(given_by).strip(),
                organisation=cell.organisation,
                created_by=user if user is not None and user.is_authenticated else None,
                guest=guest,
                held=tip_held,
            )
            # A new tip is on the beamer, not on the phones or the attendance: their polls
            # stay unchanged (one query) however fast the room writes.
            touch(case.meeting_id, room=False)
    except (IntegrityError, _Stored):
        # This key was used before (a double click, a retry, or a race): that tip is the one.
        # Without a cell (cell is None) it may still be a retry, of a tip in a domain that has
        # been unmarked since (moved first).
        if cell is None and not Tip.objects.filter(key=key).exists():
            raise ValidationError({"domain": _("Pick a marked domain.")}) from None
        return stored_tip(case=case, key=key, guest=guest), False
    return tip, True


def stored_tip(*, case: CaseDiscussion, key: uuid.UUID, guest: Guest | None = None) -> Tip:
    """The tip stored before with this key (a retry), if it is this case's (and guest's)."""
    existing = Tip.objects.filter(key=key).first()
    if existing is None or existing.case_id != case.pk:
        raise ValidationError(_("This form was already used for another case."))
    if guest is not None and existing.guest_id != guest.pk:
        raise ValidationError(_("This form was already used for another tip."))
    return existing


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
