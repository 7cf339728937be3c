"""Planning: meetings of a network and the cases on their agenda."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks import access

from ..models import CaseDiscussion, Client, Meeting
from ..privacy import pseudonym_problem
from .versions import touch

PSEUDONYM_TAKEN = gettext_lazy(
    "A client with this pseudonym already exists in this network. Pick them from the list."
)


def check_new_pseudonym(*, network_id: int, pseudonym: str) -> str:
    """The pseudonym of a new client, tidied; ValidationError when it may identify someone
    or is already taken in the network. The form and `add_case_discussion` both ask this."""
    pseudonym = " ".join(pseudonym.split())
    problem = pseudonym_problem(pseudonym)
    if problem:
        raise ValidationError(problem)
    if Client.objects.filter(network_id=network_id, pseudonym__iexact=pseudonym).exists():
        raise ValidationError(PSEUDONYM_TAKEN)
    return pseudonym


@transaction.atomic
def create_meeting(
    *,
    network,
    starts_at,
    place: str = "",
    facilitator=None,
) -> Meeting:
    """Plan a meeting of `network`, run by one of its coordinators or facilitators."""
    if facilitator is not None and not access.can_facilitate(facilitator, network.pk):
        raise ValidationError(
            _("The facilitator must be a coordinator or facilitator of this network.")
        )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Meeting.objects.create(
                    network=network,
                    starts_at=starts_at,
                    place=place.strip(),
                    facilitator=facilitator,
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
    if case_bringer is not None and not access.is_member(case_bringer, network_id):
        raise ValidationError(_("The case-bringer must be a member of this network."))
    if client is None:
        if not pseudonym.strip():
            raise ValidationError(_("Pick a client or give a new pseudonym."))
        pseudonym = check_new_pseudonym(network_id=network_id, pseudonym=pseudonym)
        # The check above and the constraint below: a double click sent twice at once
        # (the second waits for the first, then finds its row) gets the message, not an error.
        with _refused_as(PSEUDONYM_TAKEN):
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
    touch(meeting.pk)
    return case


@contextmanager
def _refused_as(message: str):
    """A unique constraint that refuses a row (a race the checks before it lost): `message`."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ValidationError(message) from None
