"""People present at a meeting: joining with the code, attendance, and tips from phones.

Who may call what is decided in `networks.access` (a guest's own tips, the leads' console);
these functions check the rules of the session itself: whether the code works, whether the
current step takes tips from phones (the step registry says), the rate per guest.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from matrices.models import Column, Domain
from networks.models import Membership, Organisation

from ..models import CaseDiscussion, Guest, Meeting, Tip, hash_token
from ..steps import GuestTips, guest_tips
from ..text import tidy
from . import tips
from .versions import touch

NAME_MAX_LENGTH = Guest._meta.get_field("display_name").max_length
ORGANISATION_MAX_LENGTH = Guest._meta.get_field("organisation_name").max_length
GIVEN_BY_MAX_LENGTH = Tip._meta.get_field("given_by").max_length

# A stuck button or a prank cannot flood the beamer: at most this many tips per guest a minute.
TIPS_PER_MINUTE = 20


class TipsClosed(ValidationError):
    """The current step takes no tips from phones (or the tip's case is no longer on)."""


class TooManyTips(ValidationError):
    """The guest sent more than TIPS_PER_MINUTE in the last minute; `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def code_refusal(meeting: Meeting | None) -> str | None:
    """Why this meeting's code does not work now (None: it does)."""
    if meeting is None:
        return _("There is no meeting with this code. Check the code on the screen.")
    if meeting.closed_at is not None or not meeting.takes_guests():
        return _("This meeting is over: its code no longer works.")
    if not meeting.joining_open:
        return _("Joining this meeting is closed. Ask the facilitator.")
    return None


def _organisation(
    meeting: Meeting, organisation: Organisation | None, typed: str
) -> tuple[Organisation | None, str]:
    """One of the network's social map, or a typed name (which becomes the map's entry when
    it is spelled like one)."""
    if organisation is not None:
        if organisation.network_id != meeting.network_id:
            raise ValidationError(_("Pick an organisation of this network."))
        return organisation, ""
    typed = " ".join(tidy(typed).split())[:ORGANISATION_MAX_LENGTH]
    if not typed:
        return None, ""
    known = Organisation.objects.filter(network_id=meeting.network_id, name__iexact=typed).first()
    return (known, "") if known is not None else (None, typed)


def _name(display_name: str) -> str:
    name = " ".join(tidy(display_name).split())
    if not name:
        raise ValidationError(_("Give your name, as the room knows you."))
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name has at most %(limit)d characters.") % {"limit": NAME_MAX_LENGTH}
        )
    return name


@transaction.atomic
def join(
    *,
    meeting: Meeting,
    display_name: str,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    user=None,
) -> tuple[Guest, str]:
    """Someone in the room joins from their phone with the meeting's code.

    Returns their guest row and the secret their session keeps (only its hash is stored). A
    member who is signed in joins with their account: they count as present (attendees) and
    joining again gives them a new secret instead of a second row.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    refusal = code_refusal(meeting)
    if refusal:
        raise ValidationError(refusal)
    name = _name(display_name)
    organisation, organisation_name = _organisation(meeting, organisation, organisation_name)
    secret = secrets.token_urlsafe(32)
    values = {
        "display_name": name,
        "organisation": organisation,
        "organisation_name": organisation_name,
        "token_hash": hash_token(secret),
        "removed_at": None,
    }
    if user is not None and user.is_authenticated:
        guest, _created = Guest.objects.update_or_create(
            meeting=meeting, user=user, defaults=values
        )
        meeting.attendees.add(user)
    else:
        guest = Guest.objects.create(meeting=meeting, **values)
    touch(meeting.pk)
    return guest, secret


def member_defaults(*, meeting: Meeting, user) -> dict:
    """A signed-in member's name and organisation, to fill in the join form for them."""
    membership = (
        Membership.objects.filter(user=user, network_id=meeting.network_id)
        .select_related("organisation")
        .first()
    )
    return {
        "display_name": str(user),
        "organisation": membership.organisation if membership else None,
    }


@transaction.atomic
def add_present(
    *,
    meeting: Meeting,
    display_name: str,
    organisation: Organisation | None = None,
    organisation_name: str = "",
) -> Guest:
    """The facilitator adds someone present without a phone (they count for attendance)."""
    name = _name(display_name)
    organisation, organisation_name = _organisation(meeting, organisation, organisation_name)
    guest = Guest.objects.create(
        meeting=meeting,
        display_name=name,
        organisation=organisation,
        organisation_name=organisation_name,
    )
    touch(meeting.pk)
    return guest


@transaction.atomic
def remove_guest(*, guest: Guest) -> None:
    """Someone joined by mistake, or left: no longer present, and their phone can do nothing
    more (the tips they gave stay; the facilitator can hide them)."""
    guest.removed_at = timezone.now()
    guest.token_hash = None
    guest.save(update_fields=["removed_at", "token_hash"])
    if guest.user_id:
        guest.meeting.attendees.remove(guest.user_id)
    touch(guest.meeting_id)


@transaction.atomic
def set_joining(*, meeting: Meeting, open: bool) -> Meeting:
    """Close joining (the code stops working; who joined stays) or open it again."""
    meeting.joining_open = open
    meeting.save(update_fields=["joining_open"])
    touch(meeting.pk)
    return meeting


@transaction.atomic
def close_meeting(*, meeting: Meeting, closed: bool = True) -> Meeting:
    """Close the meeting: the code stops working, guests' phones show nothing more, and the
    names of guests without an account give way to their organisation (or "deelnemer"), on
    their row and on their tips. Reopening (closed=False) lets the same guests back in."""
    meeting.closed_at = timezone.now() if closed else None
    meeting.save(update_fields=["closed_at"])
    if closed:
        forget_guest_names(meeting=meeting)
    touch(meeting.pk)
    return meeting


def guest_label(guest: Guest) -> str:
    """What stands for a guest once their name is forgotten: their organisation, or
    'deelnemer' (in the working language: it is stored, and printed in Dutch reports)."""
    if guest.organisation_id:
        return guest.organisation.name
    with translation.override(settings.LANGUAGE_CODE):
        return guest.organisation_name or str(_("participant"))


@transaction.atomic
def forget_guest_names(*, meeting: Meeting) -> int:
    """A guest's name is kept only while the meeting runs (AVG: no more than needed). Guests
    with an account keep theirs: it is the account's, kept as long as the account."""
    forgotten = 0
    for guest in meeting.guests.filter(user__isnull=True).select_related("organisation"):
        label = guest_label(guest)[: Guest._meta.get_field("display_name").max_length]
        if guest.display_name == label:
            continue
        Tip.objects.filter(guest=guest).update(given_by=label[:GIVEN_BY_MAX_LENGTH])
        guest.display_name = label
        guest.save(update_fields=["display_name"])
        forgotten += 1
    if forgotten:
        touch(meeting.pk)
    return forgotten


# Tips from phones ----------------------------------------------------------------------------


def _check_open(guest: Guest, case: CaseDiscussion) -> GuestTips:
    """What a phone tip for `case` does now; TipsClosed when it is not taken."""
    # The step, the hold and the meeting's current case as they are now (one query), not as
    # the request loaded them: the facilitator may have moved on in the meantime.
    now = (
        CaseDiscussion.objects.filter(pk=case.pk, meeting_id=guest.meeting_id)
        .values_list("step", "hold_phone_tips", "meeting__current_case_id")
        .first()
    )
    if now is None:
        raise _round_over()
    step, hold, current_case_id = now
    return _phase(case, step=step, hold=hold, current_case_id=current_case_id)


def _round_over() -> TipsClosed:
    return TipsClosed(_("The tips round for this case has ended. Your tip was not sent."))


def _phase(
    case: CaseDiscussion, *, step: str, hold: bool, current_case_id: int | None
) -> GuestTips:
    """What a phone tip does with the case as it is now (its step and hold, the meeting's
    current case); TipsClosed once the round is over."""
    if current_case_id != case.pk or guest_tips(step) is GuestTips.CLOSED:
        raise _round_over()
    case.step, case.hold_phone_tips = step, hold
    return guest_tips(step)


def add_guest_tip(
    *,
    guest: Guest,
    case: CaseDiscussion,
    key: uuid.UUID,
    domain: Domain | int,
    column: Column | int,
    text: str,
) -> tuple[Tip, bool]:
    """A tip from a phone, stored once per key. In the domains step it is parked (held until
    the tips step); in the tips step it is shown at once, or held when the facilitator holds
    phone tips. A retry of a tip already stored returns it, even after the step ended or with
    the guest at their rate limit: it was sent in time.

    Decided inside the write's transaction on what services.tips.add_tip reads in one
    statement with the domain's goal locked: the step, the hold and the meeting's current
    case as they are then (the facilitator may have moved on since the phone's page was
    drawn), and the guest's tips of the last minute.
    """
    since = timezone.now() - timedelta(minutes=1)

    def held(cell: tips.LockedCell) -> bool:
        now = {"step": cell.step, "hold": cell.hold_phone_tips}
        phase = _phase(case, **now, current_case_id=cell.current_case_id)
        if cell.guest_tips_since >= TIPS_PER_MINUTE:
            raise _too_many(guest, since)
        return phase is GuestTips.PARKED or cell.hold_phone_tips

    # The beamer and the reports credit the giver as a tip typed on the console does: a
    # name and an organisation of the social map, or the typed organisation after the name.
    typed = guest.organisation_name
    given_by = f"{guest.display_name}, {typed}" if typed else guest.display_name
    try:
        return tips.add_tip(
            case=case,
            key=key,
            domain=domain,
            column=column,
            text=text,
            given_by=given_by[:GIVEN_BY_MAX_LENGTH],
            organisation=guest.organisation,
            user=guest.user,
            guest=guest,
            held=held,
            count_since=since,
        )
    except (TipsClosed, TooManyTips):
        raise
    except ValidationError:
        # Refused (a domain not marked, an empty text): when the round is over, that is what
        # the guest is told.
        _check_open(guest, case)
        raise


def _too_many(guest: Guest, since) -> TooManyTips:
    """The guest is at the limit: how long until the oldest of their last tips is a minute
    old (the tips of the window, oldest first)."""
    oldest = (
        Tip.objects.filter(guest=guest, created_at__gte=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    wait = int((oldest - since).total_seconds()) + 1 if oldest is not None else 1
    return TooManyTips(
        _("That is %(count)d tips in a minute: wait %(seconds)d seconds, then it is sent.")
        % {"count": TIPS_PER_MINUTE, "seconds": wait},
        retry_after=wait,
    )


def _check_changeable(guest: Guest, tip: Tip) -> None:
    if tip.guest_id != guest.pk:
        raise ValidationError(_("This is not your tip."))
    _check_open(guest, tip.case)


@transaction.atomic
def edit_guest_tip(*, guest: Guest, tip: Tip, text: str, domain: Domain, column: Column) -> Tip:
    """A guest corrects their own tip or moves it, while the round it was given in is on."""
    _check_changeable(guest, tip)
    if tip.hidden:
        raise ValidationError(_("The facilitator has taken this tip off the screen."))
    return tips.update_tip(
        tip=tip, text=text, domain=domain, column=column, organisation=tip.organisation
    )


@transaction.atomic
def withdraw_guest_tip(*, guest: Guest, tip: Tip) -> None:
    """A guest takes back their own tip, while the round it was given in is on."""
    _check_changeable(guest, tip)
    tips.delete_tip(tip=tip)
