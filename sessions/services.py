"""Writes that touch more than one row: keyword-only, typed, each in one transaction.

Every change the beamer shows ends with `_touch(meeting)`, which raises the meeting's
version so that the beamer poll knows it has to render again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from akad.models import LEAD_ROLES, Membership, Organisation
from matrices.models import Column, Domain, Level

from .models import (
    CaseDiscussion,
    Client,
    Decision,
    DomainGoal,
    Meeting,
    Result,
    Step,
    Tip,
    TipOutcome,
)
from .privacy import looks_identifying


def _touch(meeting_id: int) -> None:
    Meeting.objects.filter(pk=meeting_id).update(version=F("version") + 1)


def touch_networks(network_ids: Iterable[int]) -> None:
    """Give every meeting of these networks a new version: beamers re-render, reports renew.

    For changes made outside the services (the admin), where working out exactly which
    meetings show the changed row is not worth it: a new version only costs one render.
    """
    Meeting.objects.filter(network_id__in=set(network_ids)).update(version=F("version") + 1)


# Steps ---------------------------------------------------------------------------------------


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
    Meeting.objects.filter(pk=case.meeting_id).update(current_case=case, version=F("version") + 1)
    return case


def next_step(step: Step) -> Step | None:
    steps = list(Step)
    index = steps.index(step)
    return steps[index + 1] if index + 1 < len(steps) else None


def previous_step(step: Step) -> Step | None:
    steps = list(Step)
    index = steps.index(step)
    return steps[index - 1] if index > 0 else None


# Presentation --------------------------------------------------------------------------------


@transaction.atomic
def save_presentation(*, case: CaseDiscussion, **fields: str) -> CaseDiscussion:
    """Autosave of the presentation fields; only the fields given are written."""
    unknown = set(fields) - set(CaseDiscussion.PRESENTATION_FIELDS)
    if unknown:
        raise ValueError(f"not presentation fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(case, name, value)
    case.save(update_fields=list(fields))
    _touch(case.meeting_id)
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
    _touch(case.meeting_id)
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
    _touch(case.meeting_id)


# Tips ----------------------------------------------------------------------------------------


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
) -> tuple[Tip, bool]:
    """Add a tip once: a second call with the same key returns the first tip, unchanged.

    Returns (tip, created). The unique key in the database makes this safe against a double
    click or a retry racing the first request.
    """
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the tip first."))
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
                given_by=given_by.strip(),
                organisation=organisation,
                created_by=user if user is not None and user.is_authenticated else None,
            )
            _touch(case.meeting_id)
    except IntegrityError:
        # This key was used before (a double click, a retry, or a race): that tip is the one.
        existing = Tip.objects.filter(key=key).first()
        if existing is None or existing.case_id != case.pk:
            raise ValidationError(_("This form was already used for another case.")) from None
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
    text = text.strip()
    if not text:
        raise ValidationError(_("A tip cannot be empty."))
    _check_cell(tip.case, domain, column)
    tip.text, tip.domain, tip.column, tip.organisation = text, domain, column, organisation
    fields = ["text", "domain", "column", "organisation"]
    if given_by is not None:
        tip.given_by = given_by.strip()
        fields.append("given_by")
    tip.save(update_fields=fields)
    _touch(tip.case.meeting_id)
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
    _touch(meeting_id)


@transaction.atomic
def set_spotlight(*, case: CaseDiscussion, column: Column | None) -> CaseDiscussion:
    if column is not None and column.matrix_id != case.meeting.network.matrix_id:
        raise ValidationError(_("This column is not on the placemat."))
    case.spotlight = column
    case.save(update_fields=["spotlight"])
    _touch(case.meeting_id)
    return case


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
    _touch(tip.case.meeting_id)
    return tip


@transaction.atomic
def record_decision(*, tip: Tip, decision: Decision | str) -> Tip:
    """What the client decided about a chosen tip. The client decides, not the group."""
    if not tip.chosen and decision:
        raise ValidationError(_("Only a tip taken to the client can have the client's decision."))
    tip.decision = Decision(decision)
    tip.save(update_fields=["decision"])
    _touch(tip.case.meeting_id)
    return tip


# Follow-up -----------------------------------------------------------------------------------


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


@transaction.atomic
def rate_session(*, case: CaseDiscussion, rating: int | None, remark: str = "") -> CaseDiscussion:
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError(_("Give a rating from 1 to 5."))
    case.rating, case.rating_remark = rating, remark.strip()
    case.save(update_fields=["rating", "rating_remark"])
    _touch(case.meeting_id)
    return case


# Meetings and their cases (coordinator) -----------------------------------------------------


def _require_member(user, network_id: int, message: str, *, roles=None) -> None:
    """`user` (if any) is a member of the network, with one of `roles` when given."""
    memberships = Membership.objects.filter(user=user, network_id=network_id)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    if user is not None and not memberships.exists():
        raise ValidationError(message)


@transaction.atomic
def create_meeting(
    *,
    network,
    starts_at,
    place: str = "",
    facilitator=None,
    guests: str = "",
) -> Meeting:
    """Plan a meeting of `network`, run by one of its coordinators or facilitators."""
    _require_member(
        facilitator,
        network.pk,
        _("The facilitator must be a coordinator or facilitator of this network."),
        roles=LEAD_ROLES,
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Meeting.objects.create(
                    network=network,
                    starts_at=starts_at,
                    place=place.strip(),
                    facilitator=facilitator,
                    guests=guests.strip(),
                )
        except IntegrityError:  # the random join code was taken: draw another one
            continue
    raise IntegrityError("no free join code")


@transaction.atomic
def add_case_discussion(
    *,
    meeting: Meeting,
    case_bringer,
    client=None,
    pseudonym: str = "",
    birth_year: int | None = None,
) -> CaseDiscussion:
    """Put a client's case on the meeting's agenda, after the cases already there.

    Give an existing `client` of the network, or a new `pseudonym` (+ optional birth year):
    that creates the client, with `case_bringer` as theirs.
    """
    network_id = meeting.network_id
    _require_member(
        case_bringer, network_id, _("The case-bringer must be a member of this network.")
    )
    if client is None:
        pseudonym = " ".join(pseudonym.split())
        if not pseudonym:
            raise ValidationError(_("Pick a client or give a new pseudonym."))
        problem = looks_identifying(pseudonym)
        if problem:
            raise ValidationError(problem)
        taken = _(
            "A client with this pseudonym already exists in this network. Pick them from the list."
        )
        if Client.objects.filter(network_id=network_id, pseudonym__iexact=pseudonym).exists():
            raise ValidationError(taken)
        # The checks above and the constraints below: a double click sent twice at once
        # (the second waits for the first, then finds its row) gets the message, not an error.
        with _refused_as(taken):
            client = Client.objects.create(
                network_id=network_id,
                pseudonym=pseudonym,
                birth_year=birth_year,
                case_bringer=case_bringer,
            )
    elif client.network_id != network_id:
        raise ValidationError(_("This client belongs to another network."))
    on_agenda = _("%(client)s is already on the agenda of this meeting.") % {"client": client}
    if CaseDiscussion.objects.filter(meeting=meeting, client=client).exists():
        raise ValidationError(on_agenda)
    last = meeting.cases.order_by("-order").values_list("order", flat=True).first() or 0
    with _refused_as(on_agenda):
        case = CaseDiscussion.objects.create(
            meeting=meeting, client=client, case_bringer=case_bringer, order=last + 1
        )
    _touch(meeting.pk)
    return case


@contextmanager
def _refused_as(message: str):
    """A unique constraint that refuses a row (a race the checks before it lost): `message`."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ValidationError(message) from None
