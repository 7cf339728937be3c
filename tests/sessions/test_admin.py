"""Corrections in the admin reach open beamers and the PDF reports straight away."""

import pytest
from django.forms.models import model_to_dict
from django.test import Client as WebClient
from django.urls import reverse

from networks.models import User
from sessions.models import Meeting, Tip
from tests.factories import MeetingFactory, TipFactory


@pytest.fixture
def admin_client(db) -> WebClient:
    client = WebClient()
    client.force_login(User.objects.create_superuser("beheer@test.example", password=None))
    return client


def version_of(meeting: Meeting) -> int:
    return Meeting.objects.values_list("version", flat=True).get(pk=meeting.pk)


def test_editing_a_tip_in_the_admin_renews_its_meeting(admin_client, case, zuid):
    tip = TipFactory(case=case, text="Schuldhulpmaatje")
    other = MeetingFactory(network=zuid)
    before, other_before = version_of(case.meeting), version_of(other)

    fields = {k: v for k, v in model_to_dict(tip).items() if v is not None}
    response = admin_client.post(
        reverse("admin:casework_tip_change", args=[tip.pk]),
        {
            **fields,
            "text": "Schuldhulpmaatje via de kerk",
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Tip.objects.get(pk=tip.pk).text == "Schuldhulpmaatje via de kerk"
    assert version_of(case.meeting) > before  # the beamer's next poll and the report see it
    assert version_of(other) == other_before  # another network's meetings are left alone


def test_deleting_tips_in_the_admin_renews_their_meeting(admin_client, case):
    tips = [TipFactory(case=case), TipFactory(case=case)]
    before = version_of(case.meeting)

    response = admin_client.post(
        reverse("admin:casework_tip_changelist"),
        {"action": "delete_selected", "_selected_action": [t.pk for t in tips], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Tip.objects.exists()
    assert version_of(case.meeting) > before


def test_the_admin_refuses_a_case_with_a_client_of_another_network(admin_client, case, zuid):
    from tests.factories import ClientFactory

    stranger = ClientFactory(network=zuid, pseudonym="Zeemeeuw")
    response = admin_client.post(
        reverse("admin:casework_casediscussion_add"),
        {
            "meeting": case.meeting_id,
            "client": stranger.pk,
            "order": 2,
            "step": "opening",
            "goals-TOTAL_FORMS": "0",
            "goals-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, with the message
    assert "Deze cliënt hoort bij een ander netwerk." in response.content.decode()
    assert not case.meeting.cases.filter(client=stranger).exists()


def test_the_admin_refuses_a_tip_with_an_organisation_of_another_network(admin_client, case, zuid):
    from tests.factories import OrganisationFactory

    tip = TipFactory(case=case)
    elsewhere = OrganisationFactory(network=zuid)
    fields = {k: v for k, v in model_to_dict(tip).items() if v is not None}
    response = admin_client.post(
        reverse("admin:casework_tip_change", args=[tip.pk]),
        {
            **fields,
            "organisation": elsewhere.pk,
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    tip.refresh_from_db()
    assert tip.organisation_id is None
