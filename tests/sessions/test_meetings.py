"""Coordinator pages: the overview, meetings, planning a meeting and putting cases on it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from networks.models import Role
from sessions.models import CaseDiscussion, Client, Meeting, Step
from sessions.privacy import looks_identifying
from sessions.services.follow_up import record_outcome
from sessions.services.live import go_to_step
from sessions.services.planning import add_case_discussion, create_meeting
from tests.clients import HTMX, english_client
from tests.factories import (
    CaseDiscussionFactory,
    ClientFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    TipFactory,
    UserFactory,
)


def page(response) -> str:
    return response.content.decode()


# The overview (home) ---------------------------------------------------------------------------


def test_home_needs_login(client):
    response = client.get(reverse("casework:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_home_shows_role_meetings_and_cases_to_review(noord, case_bringer):
    now = timezone.now()
    MembershipFactory(user=case_bringer, network=NetworkFactory(name="Oost"), role=Role.FACILITATOR)
    upcoming = MeetingFactory(network=noord, starts_at=now + timedelta(days=3), place="Het Baken")
    earlier = MeetingFactory(network=noord, starts_at=now - timedelta(days=30), place="De Kolk")
    mine = CaseDiscussionFactory(
        meeting=earlier, case_bringer=case_bringer, client__pseudonym="Reiger"
    )
    CaseDiscussionFactory(meeting=earlier, client__pseudonym="Kievit")  # someone else's case
    from tests.factories import mark

    mark(mine, "financien")
    for n in range(3):
        TipFactory(case=mine, chosen=True, text=f"gekozen {n}")
    followed = mine.tips.first()
    record_outcome(tip=followed, tried=True, result="worked")

    html = page(english_client(case_bringer).get(reverse("casework:home")))
    assert "Noord" in html and "Oost" in html
    assert "Role: member" in html and "Role: facilitator" in html
    assert reverse("casework:meeting_detail", args=[upcoming.pk]) in html
    assert reverse("casework:meeting_detail", args=[earlier.pk]) in html
    assert reverse("casework:review", args=[mine.pk]) in html
    assert "Kievit" not in html
    assert "2 chosen tips await an outcome" in html
    # "Plan a meeting" only where the user leads (Oost), not in Noord.
    assert html.count(reverse("casework:meeting_create")) == 1


def test_home_a_case_discussed_earlier_today_shows_its_tips(noord, case_bringer):
    """The case-bringer reviews the same afternoon: not "not yet discussed" any more."""
    from tests.factories import mark

    this_morning = timezone.localtime().replace(hour=0, minute=1)
    meeting = MeetingFactory(network=noord, starts_at=this_morning)
    discussed = CaseDiscussionFactory(meeting=meeting, case_bringer=case_bringer)
    waiting = CaseDiscussionFactory(meeting=meeting, case_bringer=case_bringer)
    mark(discussed, "financien")
    go_to_step(case=discussed, step=Step.TIPS)
    TipFactory(case=discussed, chosen=True)

    html = page(english_client(case_bringer).get(reverse("casework:home")))
    assert html.count("not yet discussed") == 1  # only the case still waiting for its turn
    assert "1 chosen tip awaits an outcome" in html
    assert reverse("casework:review", args=[waiting.pk]) in html


def test_home_for_user_without_network(user_without_network):
    html = page(english_client(user_without_network).get(reverse("casework:home")))
    assert "not a member of a neighbourhood care network yet" in html


def test_home_queries_do_not_grow_with_rows(noord, case_bringer):
    client = english_client(case_bringer)

    def add_rows(n):
        for i in range(n):
            when = timezone.now() + timedelta(days=(i + 1) * (1 if i % 2 else -1))
            meeting = MeetingFactory(network=noord, starts_at=when)
            CaseDiscussionFactory(meeting=meeting, case_bringer=case_bringer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("casework:home")).status_code == 200
        return len(queries)

    add_rows(2)
    small = count()
    add_rows(20)
    MembershipFactory(user=case_bringer, role=Role.COORDINATOR)  # and another network
    assert count() == small


def test_home_limits_meetings_per_network(noord, coordinator):
    now = timezone.now()
    meetings = [
        MeetingFactory(network=noord, starts_at=now + timedelta(days=d)) for d in range(1, 6)
    ]
    html = page(english_client(coordinator).get(reverse("casework:home")))
    shown = [m for m in meetings if reverse("casework:meeting_detail", args=[m.pk]) + '"' in html]
    assert shown == meetings[:3]  # the next three, soonest first


# Meeting list and detail -----------------------------------------------------------------------


def test_meeting_list_shows_own_networks_newest_first(noord, zuid, coordinator):
    now = timezone.now()
    old = MeetingFactory(network=noord, starts_at=now - timedelta(days=60), place="Oud gebouw")
    new = MeetingFactory(network=noord, starts_at=now + timedelta(days=7), place="Nieuw gebouw")
    MeetingFactory(network=zuid, place="Elders in Zuid")
    html = page(english_client(coordinator).get(reverse("casework:meeting_list")))
    assert "Elders in Zuid" not in html
    assert html.index("Nieuw gebouw") < html.index("Oud gebouw")
    assert "upcoming" in html
    assert reverse("casework:meeting_detail", args=[new.pk]) in html
    assert reverse("casework:meeting_detail", args=[old.pk]) in html


def test_meeting_list_htmx_returns_the_table_only(noord, coordinator):
    MeetingFactory(network=noord)
    html = page(english_client(coordinator).get(reverse("casework:meeting_list"), **HTMX))
    assert html.lstrip().startswith('<div id="meeting-table">')
    assert "<html" not in html


def test_meeting_list_back_to_a_forgotten_page_gets_the_whole_page(noord, coordinator):
    restore = {"HTTP_HX_HISTORY_RESTORE_REQUEST": "true", **HTMX}
    response = english_client(coordinator).get(reverse("casework:meeting_list"), **restore)
    assert "<html" in page(response)
    assert "HX-Request" in response["Vary"]


def test_meeting_detail_for_a_lead(case, facilitator):
    meeting = case.meeting
    html = page(
        english_client(facilitator).get(reverse("casework:meeting_detail", args=[meeting.pk]))
    )
    assert meeting.place in html
    for name, pk in [
        ("casework:console", case.pk),
        ("casework:review", case.pk),
        ("reports:case_pdf", case.pk),
        ("casework:beamer", meeting.pk),
        ("reports:meeting_pdf", meeting.pk),
        ("casework:case_create", meeting.pk),
    ]:
        assert f'href="{reverse(name, args=[pk])}"' in html, name


def test_meeting_detail_for_a_member_has_no_console(case, noord):
    member = MembershipFactory(network=noord, role=Role.MEMBER).user
    html = page(
        english_client(member).get(reverse("casework:meeting_detail", args=[case.meeting.pk]))
    )
    assert f'href="{reverse("casework:console", args=[case.pk])}"' not in html
    assert f'href="{reverse("casework:case_create", args=[case.meeting.pk])}"' not in html
    assert f'href="{reverse("casework:review", args=[case.pk])}"' not in html  # not their case
    assert reverse("casework:beamer", args=[case.meeting.pk]) in html
    assert reverse("reports:case_pdf", args=[case.pk]) in html


def test_meeting_detail_lists_cases_in_order(noord, coordinator):
    meeting = MeetingFactory(network=noord)
    second = CaseDiscussionFactory(meeting=meeting, order=2, client__pseudonym="Tweede")
    first = CaseDiscussionFactory(meeting=meeting, order=1, client__pseudonym="Eerste")
    html = page(
        english_client(coordinator).get(reverse("casework:meeting_detail", args=[meeting.pk]))
    )
    assert html.index(first.client.pseudonym) < html.index(second.client.pseudonym)


# Plan a meeting ----------------------------------------------------------------------------------


def meeting_data(network, **changes):
    data = {
        "network": network.pk,
        "starts_at": "2031-03-14T14:00",
        "place": "Huis van de Wijk Het Baken",
        "facilitator": "",
    }
    data.update(changes)
    return data


def test_plan_a_meeting(noord, coordinator, facilitator):
    response = english_client(coordinator).post(
        reverse("casework:meeting_create"), meeting_data(noord, facilitator=facilitator.pk)
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:meeting_detail", args=[meeting.pk])
    assert meeting.network == noord
    assert meeting.facilitator == facilitator
    assert meeting.place == "Huis van de Wijk Het Baken"
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2031-03-14 14:00"


def test_plan_a_meeting_form_offers_only_lead_networks(noord, zuid, coordinator):
    MembershipFactory(user=coordinator, network=zuid, role=Role.MEMBER)
    html = page(english_client(coordinator).get(reverse("casework:meeting_create")))
    assert f'<option value="{noord.pk}" selected>Noord</option>' in html
    assert ">Zuid</option>" not in html


def test_plan_a_meeting_bad_date_keeps_what_was_typed(noord, coordinator):
    response = english_client(coordinator).post(
        reverse("casework:meeting_create"),
        meeting_data(noord, starts_at="volgende dinsdag", place="Zaal 3"),
    )
    html = page(response)
    assert response.status_code == 200
    assert "Give a date and time" in html
    assert 'value="volgende dinsdag"' in html
    assert 'value="Zaal 3"' in html
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "0001-01-01T01:00", "9999-12-31T23:59"])
def test_plan_a_meeting_in_a_year_no_meeting_has_is_refused(noord, coordinator, typed):
    response = english_client(coordinator).post(
        reverse("casework:meeting_create"), meeting_data(noord, starts_at=typed)
    )
    assert response.status_code == 200
    assert "Give a date between 2000 and 2099." in page(response)
    assert not Meeting.objects.exists()


def test_plan_a_meeting_facilitator_must_be_member_of_the_network(noord, zuid, coordinator):
    MembershipFactory(user=coordinator, network=zuid, role=Role.COORDINATOR)
    zuid_member = MembershipFactory(network=zuid, role=Role.FACILITATOR).user
    response = english_client(coordinator).post(
        reverse("casework:meeting_create"), meeting_data(noord, facilitator=zuid_member.pk)
    )
    assert response.status_code == 200
    assert "Pick a coordinator or facilitator of the chosen network" in page(response)
    assert not Meeting.objects.exists()


def test_plan_a_meeting_in_another_network_is_refused(noord, outsider):
    response = english_client(outsider).post(
        reverse("casework:meeting_create"), meeting_data(noord)
    )
    assert response.status_code == 200
    assert "Pick one of your networks" in page(response)
    assert not Meeting.objects.filter(network=noord).exists()


def test_plan_a_meeting_htmx_reloads_the_facilitator_choices(noord, zuid, coordinator):
    MembershipFactory(user=coordinator, network=zuid, role=Role.COORDINATOR)
    zuid_member = MembershipFactory(network=zuid, role=Role.FACILITATOR).user
    noord_member = MembershipFactory(network=noord, role=Role.FACILITATOR).user
    response = english_client(coordinator).get(
        reverse("casework:meeting_create"), {"network": zuid.pk}, **HTMX
    )
    html = page(response)
    assert 'id="facilitator-field"' in html
    assert "<form" not in html
    assert zuid_member.email in html
    assert noord_member.email not in html


def test_plan_a_meeting_form_starts_with_one_network_and_its_members(noord, zuid, coordinator):
    MembershipFactory(user=coordinator, network=zuid, role=Role.COORDINATOR)
    zuid_member = MembershipFactory(network=zuid, role=Role.FACILITATOR).user
    noord_member = MembershipFactory(network=noord, role=Role.FACILITATOR).user
    client = english_client(coordinator)
    html = page(client.get(reverse("casework:meeting_create")))
    assert f'<option value="{noord.pk}" selected>' in html
    assert noord_member.email in html and zuid_member.email not in html
    html = page(client.get(reverse("casework:meeting_create"), {"network": zuid.pk}))
    assert f'<option value="{zuid.pk}" selected>' in html
    assert zuid_member.email in html and noord_member.email not in html


def test_only_coordinators_and_facilitators_can_be_planned_to_facilitate(noord, coordinator):
    """A plain member could not open the console: they are not offered, and refused."""
    member = MembershipFactory(network=noord, role=Role.MEMBER).user
    lead = MembershipFactory(network=noord, role=Role.FACILITATOR).user
    client = english_client(coordinator)
    html = page(client.get(reverse("casework:meeting_create")))
    assert lead.email in html and member.email not in html
    response = client.post(
        reverse("casework:meeting_create"), meeting_data(noord, facilitator=member.pk)
    )
    assert "Pick a coordinator or facilitator of the chosen network" in page(response)
    with pytest.raises(ValidationError):
        create_meeting(network=noord, starts_at=timezone.now(), facilitator=member)
    assert not Meeting.objects.exists()


def test_a_member_cannot_plan_a_meeting(noord, case_bringer):
    client = english_client(case_bringer)
    assert client.get(reverse("casework:meeting_create")).status_code == 403
    assert client.post(reverse("casework:meeting_create"), meeting_data(noord)).status_code == 403
    assert not Meeting.objects.exists()


def test_create_meeting_service_checks_the_facilitator(noord, zuid):
    stranger = MembershipFactory(network=zuid).user
    with pytest.raises(ValidationError):
        create_meeting(network=noord, starts_at=timezone.now(), facilitator=stranger)


# Add a case --------------------------------------------------------------------------------------


@pytest.fixture
def meeting(noord):
    return MeetingFactory(network=noord)


def case_url(meeting) -> str:
    return reverse("casework:case_create", args=[meeting.pk])


def test_add_a_case_with_a_new_pseudonym(meeting, coordinator, case_bringer):
    CaseDiscussionFactory(meeting=meeting)  # already one on the agenda
    response = english_client(coordinator).post(
        case_url(meeting),
        {"pseudonym": "  Zonne   bloem ", "birth_year": "1981", "case_bringer": case_bringer.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:meeting_detail", args=[meeting.pk])
    client = Client.objects.get(pseudonym="Zonne bloem")
    assert (client.network, client.birth_year, client.case_bringer) == (
        meeting.network,
        1981,
        case_bringer,
    )
    case = CaseDiscussion.objects.get(client=client)
    assert (case.meeting, case.case_bringer, case.order) == (meeting, case_bringer, 2)


def test_add_a_case_for_an_existing_client(meeting, facilitator, case_bringer):
    existing = ClientFactory(network=meeting.network, pseudonym="Reiger")
    response = english_client(facilitator).post(
        case_url(meeting), {"client": existing.pk, "case_bringer": case_bringer.pk}
    )
    assert response.status_code == 302
    assert CaseDiscussion.objects.get(meeting=meeting).client == existing
    assert Client.objects.count() == 1


def test_add_a_case_form_shows_the_privacy_hint_and_members(meeting, coordinator, case_bringer):
    from sessions.forms.planning import PRIVACY_HINT

    outsider = UserFactory()
    html = page(english_client(coordinator).get(case_url(meeting)))
    assert str(PRIVACY_HINT) in html
    assert 'aria-describedby="id_pseudonym_helptext"' in html
    assert case_bringer.email in html
    assert outsider.email not in html


@pytest.mark.parametrize(
    "pseudonym, message",
    [
        ("123456782", "BSN"),
        ("Anna 1234 56 789", "BSN"),
        ("anna.jansen@example.org", "e-mail"),
        ("06-12345678", "phone"),
        ("+31 6 1234 5678", "phone"),
        ("Anna 12-03-1981", "date of birth"),
        ("Anna 3 maart 1981", "date of birth"),
    ],
)
def test_add_a_case_rejects_an_identifying_pseudonym(
    meeting, coordinator, case_bringer, pseudonym, message
):
    response = english_client(coordinator).post(
        case_url(meeting), {"pseudonym": pseudonym, "case_bringer": case_bringer.pk}
    )
    html = page(response)
    assert response.status_code == 200
    assert message in html
    assert f'value="{pseudonym}"' in html  # what was typed is still there to correct
    assert not Client.objects.exists()
    assert not CaseDiscussion.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Pick a client or give a new pseudonym"),
        ({"pseudonym": "Reiger"}, "already exists in this network"),
        ({"pseudonym": "Nieuw", "client": "existing"}, "not both"),
        ({"pseudonym": "Nieuw", "birth_year": "1850"}, "between 1900 and"),
        ({"pseudonym": "Nieuw", "birth_year": "tachtig"}, "four digits"),
    ],
)
def test_add_a_case_bad_input(meeting, coordinator, case_bringer, data, message):
    existing = ClientFactory(network=meeting.network, pseudonym="Reiger")
    if data.get("client") == "existing":
        data["client"] = existing.pk
    response = english_client(coordinator).post(
        case_url(meeting), {**data, "case_bringer": case_bringer.pk}
    )
    assert response.status_code == 200
    assert message in page(response)
    assert not CaseDiscussion.objects.exists()


def test_add_a_case_twice_for_the_same_client(meeting, coordinator, case_bringer):
    existing = ClientFactory(network=meeting.network)
    CaseDiscussionFactory(meeting=meeting, client=existing)
    response = english_client(coordinator).post(
        case_url(meeting), {"client": existing.pk, "case_bringer": case_bringer.pk}
    )
    assert response.status_code == 200
    assert "Pick a client of this network" in page(response)  # no longer offered
    assert CaseDiscussion.objects.count() == 1


def test_add_a_case_case_bringer_from_another_network_is_refused(meeting, coordinator, outsider):
    response = english_client(coordinator).post(
        case_url(meeting), {"pseudonym": "Kievit", "case_bringer": outsider.pk}
    )
    assert response.status_code == 200
    assert "Pick a member of this network" in page(response)
    assert not Client.objects.exists()


def test_a_member_cannot_add_a_case(meeting, case_bringer):
    client = english_client(case_bringer)
    assert client.get(case_url(meeting)).status_code == 403
    response = client.post(
        case_url(meeting), {"pseudonym": "Kievit", "case_bringer": case_bringer.pk}
    )
    assert response.status_code == 403
    assert not Client.objects.exists()


def test_add_case_service_guards_privacy_and_network(meeting, case_bringer, zuid):
    with pytest.raises(ValidationError):
        add_case_discussion(meeting=meeting, case_bringer=case_bringer, pseudonym="123456782")
    with pytest.raises(ValidationError):
        add_case_discussion(
            meeting=meeting, case_bringer=case_bringer, client=ClientFactory(network=zuid)
        )
    assert not CaseDiscussion.objects.exists()


def test_a_case_added_twice_at_once_is_refused_with_a_message(meeting, case_bringer, monkeypatch):
    """Two requests that both pass the checks before the first one commits (a double click on
    PostgreSQL): the database refuses the second row, and the user gets the message."""
    add_case_discussion(meeting=meeting, case_bringer=case_bringer, pseudonym="Kievit")
    exists = QuerySet.exists
    monkeypatch.setattr(  # the checks for the client and the case saw nothing yet
        QuerySet, "exists", lambda qs: qs.model not in (Client, CaseDiscussion) and exists(qs)
    )
    kievit = Client.objects.get(pseudonym="Kievit")
    with translation.override("en"):
        with pytest.raises(ValidationError, match="already exists in this network"):
            add_case_discussion(meeting=meeting, case_bringer=case_bringer, pseudonym="Kievit")
        with pytest.raises(ValidationError, match="already on the agenda"):
            add_case_discussion(meeting=meeting, case_bringer=case_bringer, client=kievit)
    assert CaseDiscussion.objects.filter(meeting=meeting).count() == 1


# The privacy check itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "123456782",
        "123.456.782",
        "mail: a.b@example.nl",
        "0612345678",
        "020-1234567",
        "+31612345678",
        "12-03-1981",
        "1981-03-12",
        "12/3/81",
        "12031981",
        "3 maart 1981",
        "12 March 1981",
    ],
)
def test_looks_identifying_catches(text):
    assert looks_identifying(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Zonnebloem",
        "Merel 2",
        "Casus 1981",
        "Reiger (69)",
        "Mevrouw K.",
        "Kamer 12-3",
        "12345678",
    ],
)
def test_looks_identifying_lets_pseudonyms_pass(text):
    assert looks_identifying(text) is None
