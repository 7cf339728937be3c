"""A guest's name is kept only while the meeting runs; then their organisation stands for
them (or "deelnemer"), on their row and on their tips, in pages and reports alike."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import Guest, Step, Tip
from sessions.services import guests
from sessions.services.live import go_to_step
from sessions.services.retention import purge_expired
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def room(case):
    go_to_step(case=case, step=Step.TIPS)
    return case


def phone_tip(guest, case, text):
    goal, column = case.goals.first(), case.meeting.network.matrix.columns.first()
    tip, _created = guests.add_guest_tip(
        guest=guest, case=case, key=uuid.uuid4(), domain=goal.domain, column=column, text=text
    )
    return tip


def test_closing_the_meeting_forgets_the_guests_names(room, noord):
    meeting = room.meeting
    buurthuis = OrganisationFactory(network=noord, name="Buurthuis De Kolk")
    anna, _ = guests.join(meeting=meeting, display_name="Anna Jansen", organisation=buurthuis)
    bob, _ = guests.join(meeting=meeting, display_name="Bob", organisation_name="Voedselbank")
    cas, _ = guests.join(meeting=meeting, display_name="Cas de Vries")
    member = MembershipFactory(network=noord).user
    dirk, _ = guests.join(meeting=meeting, display_name="Dirk", user=member)
    for guest in (anna, bob, cas, dirk):
        phone_tip(guest, room, f"Tip van {guest.display_name}")

    guests.close_meeting(meeting=meeting)

    names = dict(Guest.objects.values_list("pk", "display_name"))
    assert names[anna.pk] == "Buurthuis De Kolk"
    assert names[bob.pk] == "Voedselbank"
    assert names[cas.pk] == "deelnemer"
    assert names[dirk.pk] == "Dirk"  # an account's name is the account's
    givers = set(Tip.objects.values_list("given_by", flat=True))
    assert not givers & {"Anna Jansen", "Bob, Voedselbank", "Cas de Vries"}
    assert {"Buurthuis De Kolk", "Voedselbank", "deelnemer"} <= givers


def test_a_meeting_left_open_forgets_the_names_a_day_later(room):
    meeting = room.meeting
    guest, _ = guests.join(meeting=meeting, display_name="Eva Smit")
    phone_tip(guest, room, "Samen koken")
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=25)
    )

    purge_expired()

    assert Guest.objects.get(pk=guest.pk).display_name == "deelnemer"
    assert Tip.objects.get(guest=guest).given_by == "deelnemer"


def test_a_meeting_still_running_keeps_the_names(room):
    guest, _ = guests.join(meeting=room.meeting, display_name="Fleur")
    purge_expired()
    assert Guest.objects.get(pk=guest.pk).display_name == "Fleur"
