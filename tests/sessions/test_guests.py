"""People in the room: joining with the code, what a guest sees, tips from their phone."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from networks.access import GUEST_SESSION_KEY
from sessions.models import (
    JOIN_CODE_ALPHABET,
    Guest,
    Meeting,
    Step,
    Tip,
    new_join_code,
    normalise_join_code,
)
from sessions.services import guests, tips
from sessions.services.live import go_to_step
from tests.clients import HTMX, english_client
from tests.factories import (
    CaseDiscussionFactory,
    MeetingFactory,
    OrganisationFactory,
    TipFactory,
    mark,
)
from tests.guests import PHONE, code_path, guest_of, join_as, phone_tip, poll_url

# The join code ---------------------------------------------------------------------------


def test_join_codes_use_only_characters_that_are_easy_to_read_and_say():
    for confusing in "0O1IlLQDSZBGUVYNEHC":
        assert confusing not in JOIN_CODE_ALPHABET
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) > 190
    for code in codes:
        assert len(code) == 7 and code[3] == "-"
        assert set(code.replace("-", "")) <= set(JOIN_CODE_ALPHABET)


@pytest.mark.parametrize("typed", ["akp-7w3", "AKP7W3", " akp 7w3 ", "a k p - 7 w 3", "akp—7w3"])
def test_a_typed_code_is_read_the_way_it_is_shown(typed):
    assert normalise_join_code(typed) == "AKP-7W3"


@pytest.mark.parametrize("typed", ["", "AKP7W", "AKP7W33", "AKP-7W0", "ÅKP7W3", "AKP7WI"])
def test_something_that_cannot_be_a_code_is_none(typed):
    assert normalise_join_code(typed) is None


def test_the_short_address_asks_for_the_code_and_goes_on_to_its_page(client, case):
    page = client.get("/j/")
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    code = case.meeting.join_code
    response = client.get("/j/", {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    assert response.url == f"/j/{code.replace('-', '')}"
    wrong = client.get("/j/", {"code": "abc"})
    assert wrong.status_code == 422
    assert "six letters and digits" in wrong.content.decode() or "zes" in wrong.content.decode()


# Joining ---------------------------------------------------------------------------------


@pytest.fixture
def social_map(noord, zuid):
    from matrices.models import Column

    columns = list(Column.objects.filter(matrix=noord.matrix).order_by("order"))
    return {
        "kolk": OrganisationFactory(
            network=noord, name="Buurtcentrum De Kolk", usual_column=columns[1]
        ),
        "brigade": OrganisationFactory(
            network=noord, name="Formulierenbrigade", usual_column=columns[1]
        ),
        "wijkverpleging": OrganisationFactory(
            network=noord, name="Wijkverpleging Noord", usual_column=columns[-1]
        ),
        "zuid": OrganisationFactory(network=zuid, name="Zuiderhuis"),
    }


def test_the_code_page_names_the_meeting_and_offers_its_social_map(client, case, social_map):
    client.cookies["django_language"] = "en"
    html = client.get(code_path(case.meeting)).content.decode()
    assert "Meeting of Noord" in html
    assert "Buurtcentrum De Kolk" in html
    assert "Zuiderhuis" not in html  # another network's organisation
    assert case.client.pseudonym not in html  # nothing of the case before joining


def test_joining_needs_no_account_and_keeps_a_secret_in_the_session(case, social_map):
    phone = join_as(case.meeting, "Anna", organisation=social_map["kolk"])
    guest = guest_of(phone)
    assert guest.meeting == case.meeting
    assert guest.display_name == "Anna" and guest.organisation == social_map["kolk"]
    assert guest.user is None
    secret = phone.session[GUEST_SESSION_KEY]
    assert guest.token_hash != secret and len(guest.token_hash) == 64  # only the hash is stored
    assert "_auth_user_id" not in phone.session


def test_a_typed_organisation_spelled_like_one_of_the_map_becomes_that_one(case, social_map):
    one = guest_of(join_as(case.meeting, "Piet", organisation_name="  formulierenbrigade "))
    assert one.organisation == social_map["brigade"] and one.organisation_name == ""
    other = guest_of(join_as(case.meeting, "Wil", organisation_name="Groen  Dichtbij"))
    assert other.organisation is None and other.organisation_name == "Groen Dichtbij"


def test_another_networks_organisation_cannot_be_picked(case, social_map):
    client = Client()
    response = client.post(
        code_path(case.meeting),
        {"display_name": "Sneaky", "organisation": social_map["zuid"].pk},
    )
    assert response.status_code == 422
    assert not Guest.objects.exists()


def test_a_name_is_needed(case):
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.post(code_path(case.meeting), {"display_name": "   "})
    assert response.status_code == 422
    assert "Give your name" in response.content.decode()
    assert not Guest.objects.exists()


def test_scanning_the_code_again_goes_back_to_the_phone_page(case):
    phone = join_as(case.meeting)
    response = phone.get(code_path(case.meeting))
    assert response.status_code == 302
    assert response.url == reverse("casework:phone", args=[case.meeting_id])


def test_a_member_joins_with_their_account_and_counts_as_present(case, case_bringer, noord):
    from networks.models import Membership

    kolk = OrganisationFactory(network=noord, name="MEE")
    Membership.objects.filter(user=case_bringer).update(organisation=kolk)
    client = english_client(case_bringer)
    page = client.get(code_path(case.meeting)).content.decode()
    assert "Join with my account" in page
    assert f'value="{case_bringer}"' in page  # the name is filled in
    join_as(case.meeting, str(case_bringer), client=client, organisation=kolk)
    join_as(case.meeting, str(case_bringer), client=client, organisation=kolk)  # again: one row
    guest = Guest.objects.get()
    assert guest.user == case_bringer and guest.organisation == kolk
    assert list(case.meeting.attendees.all()) == [case_bringer]
    assert client.session["_auth_user_id"] == str(case_bringer.pk)  # still logged in


# Codes that do not work ----------------------------------------------------------------


def test_joining_closed_refuses_the_code_with_a_message(case):
    guests.set_joining(meeting=case.meeting, open=False)
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get(code_path(case.meeting))
    assert response.status_code == 403
    assert "Joining this meeting is closed" in response.content.decode()
    response = client.post(code_path(case.meeting), {"display_name": "Laat"})
    assert response.status_code == 403
    assert not Guest.objects.exists()


def test_a_closed_meeting_refuses_its_code_and_its_guests(case):
    phone = join_as(case.meeting)
    guests.close_meeting(meeting=case.meeting)
    late = Client()
    late.cookies["django_language"] = "en"
    response = late.get(code_path(case.meeting))
    assert response.status_code == 403
    assert "This meeting is over" in response.content.decode()
    assert phone.get(reverse("casework:phone", args=[case.meeting_id])).status_code == 404


def test_the_code_of_a_meeting_long_past_opens_nothing(noord, case):
    old = MeetingFactory(network=noord, starts_at=timezone.now() - timedelta(days=30))
    client = Client()
    response = client.get(code_path(old))
    assert response.status_code == 403
    later = MeetingFactory(network=noord, starts_at=timezone.now() + timedelta(days=3))
    assert client.get(code_path(later)).status_code == 403


def test_an_unknown_code_gets_a_message(client, db):
    client.cookies["django_language"] = "en"
    response = client.get("/j/AKP7W3")
    assert response.status_code == 404
    assert "no meeting with this code" in response.content.decode()


def test_wrong_codes_are_throttled_per_client_address(case):
    mine, other = Client(REMOTE_ADDR="10.1.1.1"), Client(REMOTE_ADDR="10.2.2.2")
    mine.cookies["django_language"] = "en"
    for n in range(7):
        assert mine.get(f"/j/AKP{n + 2}W3").status_code == 404
    eighth = mine.get("/j/AKPAW3")
    assert eighth.status_code == 404
    assert "Wait 60 seconds" in eighth.content.decode()
    # While waiting, even the right code is refused (else guessing would go on meanwhile) ...
    right = mine.get(code_path(case.meeting))
    assert right.status_code == 429
    assert "Too many wrong codes" in right.content.decode()
    assert mine.post(code_path(case.meeting), {"display_name": "X"}).status_code == 429
    # ... another address is not held up ...
    assert other.get(code_path(case.meeting)).status_code == 200
    # ... and after the short wait the right code works again.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert mine.get(code_path(case.meeting)).status_code == 200
    assert not Guest.objects.exists()


def test_behind_a_proxy_the_throttle_counts_the_forwarded_client(settings, case):
    from akad.proxies import client_address_settings

    for name, value in client_address_settings(proxies=1).items():
        setattr(settings, name, value)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    mine = Client(HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    other = Client(HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy)
    for n in range(8):
        mine.get(f"/j/AKP{n + 2}W3")
    assert mine.get(code_path(case.meeting)).status_code == 429
    assert other.get(code_path(case.meeting)).status_code == 200


def test_right_codes_do_not_count_as_wrong_ones(case):
    client = Client(REMOTE_ADDR="10.3.3.3")
    for _ in range(12):
        assert client.get(code_path(case.meeting)).status_code == 200


# What a guest sees -------------------------------------------------------------------------


@pytest.fixture
def room(case, noord):
    """Today's meeting in the tips step, another case of it, another meeting of Noord."""
    goal = case.goals.order_by("domain__order").first()
    goal.goal = "Rondkomen zonder nieuwe schulden"
    goal.save()
    case.question = "Hoe komt zij vaker buiten de deur?"
    case.save()
    other_case = CaseDiscussionFactory(meeting=case.meeting, client__pseudonym="Kees")
    mark(other_case, "financien")
    TipFactory(case=other_case, text="Tip voor Kees")
    go_to_step(case=case, step=Step.TIPS)
    TipFactory(case=case, text="Tip van de procesbegeleider")
    return case


def test_the_phone_shows_the_current_case_its_question_domains_and_step_only(room):
    phone = join_as(room.meeting)
    html = phone.get(reverse("casework:phone", args=[room.meeting_id])).content.decode()
    assert str(room.client) in html
    assert "Hoe komt zij vaker buiten de deur?" in html
    for goal in room.goals.select_related("domain"):
        assert goal.domain.name_en in html
    assert "Tips from left to right" in html
    # Nothing else: not the goals, not others' tips, not the other case or its tips.
    assert "Rondkomen zonder nieuwe schulden" not in html
    assert "Tip van de procesbegeleider" not in html
    assert "Kees" not in html and "Tip voor Kees" not in html


def test_a_guest_of_one_meeting_sees_nothing_of_another(room, noord):
    other = CaseDiscussionFactory(meeting__network=noord)
    mark(other, "financien")
    go_to_step(case=other, step=Step.TIPS)
    phone = join_as(room.meeting)
    assert phone.get(reverse("casework:phone", args=[other.meeting_id])).status_code == 404
    assert phone.get(reverse("casework:phone_poll", args=[other.meeting_id])).status_code == 404
    assert phone_tip(phone, other).status_code == 404
    assert not other.tips.exists()


def test_a_member_who_has_not_joined_is_sent_to_the_join_page(room, case_bringer, outsider):
    url = reverse("casework:phone", args=[room.meeting_id])
    response = english_client(case_bringer).get(url)
    assert response.status_code == 302 and response.url == code_path(room.meeting)
    assert english_client(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_a_removed_guest_can_do_nothing_more_and_their_tips_stay(room):
    phone = join_as(room.meeting)
    assert phone_tip(phone, room, "Buurtbus").status_code == 200
    guests.remove_guest(guest=guest_of_meeting(room.meeting))
    assert phone.get(reverse("casework:phone", args=[room.meeting_id])).status_code == 404
    assert phone_tip(phone, room, "Nog een").status_code == 404
    assert list(room.tips.filter(guest__isnull=False).values_list("text", flat=True)) == [
        "Buurtbus"
    ]


def guest_of_meeting(meeting: Meeting) -> Guest:
    return Guest.objects.get(meeting=meeting, removed_at__isnull=True)


# Tips from phones --------------------------------------------------------------------------


def test_a_tip_from_the_phone_is_on_the_beamer_with_its_giver(room, case_bringer, social_map):
    phone = join_as(room.meeting, "Anna", organisation=social_map["kolk"])
    response = phone_tip(phone, room, "Koffieochtend in de Kolk")
    assert response.status_code == 200
    assert "Koffieochtend in de Kolk" in response.content.decode()  # "your tips"
    tip = Tip.objects.get(text="Koffieochtend in de Kolk")
    assert tip.guest == guest_of(phone) and tip.given_by == "Anna"
    assert tip.organisation == social_map["kolk"] and not tip.held
    beamer = english_client(case_bringer).get(reverse("casework:beamer", args=[room.meeting_id]))
    assert "Koffieochtend in de Kolk" in beamer.content.decode()


def test_a_typed_organisation_is_credited_after_the_name(room):
    phone = join_as(room.meeting, "Wil", organisation_name="Groen Dichtbij")
    phone_tip(phone, room, "Moestuin")
    assert Tip.objects.get(text="Moestuin").given_by == "Wil, Groen Dichtbij"


def test_without_javascript_the_form_posts_and_comes_back(room):
    phone = join_as(room.meeting)
    page = phone.get(reverse("casework:phone", args=[room.meeting_id])).content.decode()
    assert 'name="key" value="' in page and 'name="key" value=""' not in page
    response = phone_tip(phone, room, "Zonder script", js=False)
    assert response.status_code == 302
    assert "Zonder script" in phone.get(response.url).content.decode()


def test_the_spotlight_column_is_preselected(room):
    column = room.meeting.network.matrix.columns.order_by("order")[1]
    room.spotlight = column
    room.save()
    phone = join_as(room.meeting)
    html = phone.get(reverse("casework:phone", args=[room.meeting_id])).content.decode()
    assert f'<option value="{column.pk}" selected>' in html


def test_a_double_tap_or_a_resend_stores_one_tip(room):
    phone = join_as(room.meeting)
    key = uuid.uuid4()
    for _ in range(3):
        assert phone_tip(phone, room, "Een keer", key=key).status_code == 200
    assert phone_tip(phone, room, "Een keer", key=key, js=False).status_code == 302
    assert Tip.objects.filter(text="Een keer").count() == 1


def test_a_key_of_someone_elses_tip_is_refused(room):
    anna, piet = join_as(room.meeting, "Anna"), join_as(room.meeting, "Piet")
    key = uuid.uuid4()
    phone_tip(anna, room, "Van Anna", key=key)
    response = phone_tip(piet, room, "Van Piet", key=key)
    assert response.status_code == 422
    assert Tip.objects.get(key=key).text == "Van Anna"


def test_a_retry_after_the_step_ended_returns_the_stored_tip(room):
    phone = join_as(room.meeting)
    key = uuid.uuid4()
    phone_tip(phone, room, "Net op tijd", key=key)
    go_to_step(case=room, step=Step.CLOSING)
    assert phone_tip(phone, room, "Net op tijd", key=key).status_code == 200
    assert phone_tip(phone, room, "Te laat").status_code == 409
    assert Tip.objects.filter(guest__isnull=False).count() == 1


@pytest.mark.parametrize("step", [Step.OPENING, Step.FOLLOW_UP, Step.PRESENTATION])
def test_before_the_domains_step_no_tips_from_phones(room, step):
    phone = join_as(room.meeting)
    go_to_step(case=room, step=step)
    response = phone_tip(phone, room)
    assert response.status_code == 409
    assert "ended" in response.content.decode() or "not sent" in response.content.decode()
    html = phone.get(reverse("casework:phone", args=[room.meeting_id])).content.decode()
    assert 'id="phone-form"' in html and 'data-tips="closed"' in html


def test_a_tip_for_a_case_that_is_no_longer_on_is_refused(room):
    phone = join_as(room.meeting)
    other = room.meeting.cases.exclude(pk=room.pk).get()
    go_to_step(case=other, step=Step.TIPS)
    response = phone_tip(phone, room, "Voor de vorige casus")
    assert response.status_code == 409
    assert not Tip.objects.filter(text="Voor de vorige casus").exists()


def test_tips_written_in_the_domains_step_are_parked_until_the_tips_step(room, case_bringer):
    go_to_step(case=room, step=Step.DOMAINS)
    phone = join_as(room.meeting)
    response = phone_tip(phone, room, "Geparkeerd idee")
    assert response.status_code == 200
    assert "when the tips step opens" in response.content.decode()
    assert Tip.objects.get(text="Geparkeerd idee").held
    beamer = english_client(case_bringer)
    url = reverse("casework:beamer", args=[room.meeting_id])
    assert "Geparkeerd idee" not in beamer.get(url).content.decode()
    go_to_step(case=room, step=Step.TIPS)
    assert "Geparkeerd idee" in beamer.get(url).content.decode()


def test_a_tip_has_at_most_500_characters(room):
    phone = join_as(room.meeting)
    response = phone_tip(phone, room, "x" * 501)
    assert response.status_code == 422
    assert "at most 500 characters" in response.content.decode()
    assert phone_tip(phone, room, "x" * 500).status_code == 200
    plain = phone_tip(phone, room, "y" * 501, js=False)
    assert plain.status_code == 422 and "y" * 501 in plain.content.decode()  # kept as typed


def test_a_guest_sends_at_most_20_tips_a_minute(room):
    phone = join_as(room.meeting)
    keys = [uuid.uuid4() for _ in range(21)]
    for n, key in enumerate(keys[:20]):
        assert phone_tip(phone, room, f"Tip {n}", key=key).status_code == 200
    response = phone_tip(phone, room, "Nummer 21", key=keys[20])
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 61
    assert "20 tips in a minute" in response.content.decode()
    # A retry of a tip already stored is not held up by the limit.
    assert phone_tip(phone, room, "Tip 3", key=keys[3]).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert phone_tip(phone, room, "Nummer 21", key=keys[20]).status_code == 200
    assert Tip.objects.filter(guest__isnull=False).count() == 21


def test_the_rate_is_per_guest(room):
    anna, piet = join_as(room.meeting, "Anna"), join_as(room.meeting, "Piet")
    for n in range(20):
        phone_tip(anna, room, f"Anna {n}")
    assert phone_tip(anna, room, "Anna 21").status_code == 429
    assert phone_tip(piet, room, "Piet 1").status_code == 200


# Editing and withdrawing one's own tips ------------------------------------------------------


def test_a_guest_edits_and_moves_their_own_tip_while_the_round_is_on(room):
    phone = join_as(room.meeting)
    phone_tip(phone, room, "Eerste versie")
    tip = Tip.objects.get(text="Eerste versie")
    url = reverse("casework:phone_tip", args=[tip.pk])
    assert "Eerste versie" in phone.get(url).content.decode()
    other_domain = room.goals.order_by("domain__order")[1].domain
    response = phone.post(
        url, {"text": "Tweede versie", "domain": other_domain.pk, "column": tip.column_id}
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.text == "Tweede versie" and tip.domain == other_domain
    assert tip.given_by == "Anna"  # the giver stays


def test_after_the_step_the_tip_can_no_longer_be_changed(room):
    phone = join_as(room.meeting)
    phone_tip(phone, room, "Vast")
    tip = Tip.objects.get(text="Vast")
    go_to_step(case=room, step=Step.CLOSING)
    url = reverse("casework:phone_tip", args=[tip.pk])
    data = {"text": "Toch anders", "domain": tip.domain_id, "column": tip.column_id}
    assert phone.post(url, data).status_code == 422
    assert phone.post(url, data, **PHONE).status_code == 422
    withdraw = reverse("casework:phone_withdraw_tip", args=[tip.pk])
    assert phone.post(withdraw, **HTMX).status_code == 409
    tip.refresh_from_db()
    assert tip.text == "Vast"
    html = phone.get(reverse("casework:phone", args=[room.meeting_id])).content.decode()
    assert withdraw not in html  # no buttons once the round is over


def test_a_guest_withdraws_their_own_tip(room, case_bringer):
    phone = join_as(room.meeting)
    phone_tip(phone, room, "Toch niet")
    tip = Tip.objects.get(text="Toch niet")
    response = phone.post(reverse("casework:phone_withdraw_tip", args=[tip.pk]), **HTMX)
    assert response.status_code == 200
    assert not Tip.objects.filter(pk=tip.pk).exists()
    beamer = english_client(case_bringer).get(reverse("casework:beamer", args=[room.meeting_id]))
    assert "Toch niet" not in beamer.content.decode()


def test_nobody_edits_or_withdraws_anyone_elses_tip(room):
    anna, piet = join_as(room.meeting, "Anna"), join_as(room.meeting, "Piet")
    phone_tip(anna, room, "Van Anna")
    tip = Tip.objects.get(text="Van Anna")
    facilitator_tip = Tip.objects.get(text="Tip van de procesbegeleider")
    for other in (tip, facilitator_tip):
        assert piet.get(reverse("casework:phone_tip", args=[other.pk])).status_code == 404
        data = {"text": "Gekaapt", "domain": other.domain_id, "column": other.column_id}
        assert piet.post(reverse("casework:phone_tip", args=[other.pk]), data).status_code == 404
        withdraw = reverse("casework:phone_withdraw_tip", args=[other.pk])
        assert piet.post(withdraw).status_code == 404
    assert Tip.objects.filter(text__in=["Van Anna", "Tip van de procesbegeleider"]).count() == 2


# Following the room ------------------------------------------------------------------------


def test_an_unchanged_phone_poll_is_204_with_one_query(room):
    phone = join_as(room.meeting)
    url = poll_url(phone.get(reverse("casework:phone", args=[room.meeting_id])).content.decode())
    with CaptureQueriesContext(connection) as queries:
        response = phone.get(url, **HTMX)
    assert response.status_code == 204
    assert len(queries) <= 1


def test_a_changed_poll_brings_the_new_step_and_the_guests_tips(room):
    phone = join_as(room.meeting)
    url = poll_url(phone.get(reverse("casework:phone", args=[room.meeting_id])).content.decode())
    phone_tip(phone, room, "Mijn tip")
    go_to_step(case=room, step=Step.CLOSING)
    response = phone.get(url, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Closing and agreements" in html and 'data-tips="closed"' in html
    assert 'id="my-tips" class="my-tips" data-hx-swap-oob="true"' in html and "Mijn tip" in html
    assert phone.get(poll_url(html), **HTMX).status_code == 204


def test_the_rooms_tips_leave_a_phones_poll_unchanged(room):
    """A phone shows neither the others' tips nor their number: in a round where a tip arrives
    every few hundred milliseconds its poll stays a one-query 204; a hidden tip of its own, a
    new step, do change it."""
    anna, piet = join_as(room.meeting, "Anna"), join_as(room.meeting, "Piet")
    url = poll_url(anna.get(reverse("casework:phone", args=[room.meeting_id])).content.decode())
    phone_tip(anna, room, "Van Anna")  # her own answer brought her list; the poll stays
    for n in range(3):
        phone_tip(piet, room, f"Van Piet {n}")
    tips.add_tip(  # the facilitator's
        case=room,
        key=uuid.uuid4(),
        domain=Tip.objects.first().domain,
        column=Tip.objects.first().column,
        text="Van de console",
    )
    with CaptureQueriesContext(connection) as queries:
        assert anna.get(url, **HTMX).status_code == 204
    assert len(queries) <= 1
    tips.hide_tip(tip=Tip.objects.get(text="Van Anna"), hidden=True)
    changed = anna.get(url, **HTMX)
    assert changed.status_code == 200 and "Van Anna" in changed.content.decode()
    assert "Van Piet" not in changed.content.decode()


def test_the_poll_of_a_removed_guest_shows_the_ending(room):
    phone = join_as(room.meeting)
    url = poll_url(phone.get(reverse("casework:phone", args=[room.meeting_id])).content.decode())
    guests.remove_guest(guest=guest_of(phone))
    response = phone.get(url, **HTMX)
    assert response.status_code == 404
    assert "not joined to this meeting" in response.content.decode()
    assert "hx-trigger" not in response.content.decode()  # the phone stops polling


def test_a_forged_or_foreign_pass_takes_the_full_path(room, noord):
    phone = join_as(room.meeting)
    other = MeetingFactory(network=noord)
    stolen = poll_url(
        phone.get(reverse("casework:phone", args=[room.meeting_id])).content.decode()
    ).split("pass=")[1]
    url = reverse("casework:phone_poll", args=[other.pk])
    assert phone.get(f"{url}?v={other.version}&pass={stolen}", **HTMX).status_code == 404
    url = reverse("casework:phone_poll", args=[room.meeting_id])
    assert Client().get(f"{url}?v=1&pass=forged", **HTMX).status_code == 404


@pytest.mark.parametrize("step", list(Step))
def test_the_phone_page_follows_every_step(room, step):
    """Every step has its phone template, says whether tips can be sent, and stays small."""
    from sessions.steps import REGISTRY

    go_to_step(case=room, step=step)
    phone = join_as(room.meeting)
    with CaptureQueriesContext(connection) as queries:
        response = phone.get(reverse("casework:phone", args=[room.meeting_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-tips="{REGISTRY[step].guest_tips.value}"' in html
    assert str(room.client) in html and str(step.label) in html
    assert len(queries) <= 8


def test_a_guest_row_checks_its_organisation(case, zuid, noord):
    from django.core.exceptions import ValidationError

    elsewhere = OrganisationFactory(network=zuid)
    here = OrganisationFactory(network=noord)
    with pytest.raises(ValidationError):
        Guest(meeting=case.meeting, display_name="X", organisation=elsewhere).full_clean()
    with pytest.raises(ValidationError):
        Guest(
            meeting=case.meeting, display_name="X", organisation=here, organisation_name="Ook"
        ).full_clean()
    Guest(meeting=case.meeting, display_name="X", organisation=here).full_clean()


def test_what_a_guest_sees_of_a_client_is_in_the_access_log(room):
    from networks.models import AccessEvent

    phone = join_as(room.meeting, "Anna")
    phone.get(reverse("casework:phone", args=[room.meeting_id]))
    phone_tip(phone, room, "Gelogd")
    events = list(AccessEvent.objects.filter(client_number=room.client_id).order_by("pk"))
    guest = guest_of(phone)
    assert [(e.kind, e.page, e.actor, e.user) for e in events] == [
        ("view", "casework:phone", f"Anna (guest {guest.pk})", None),
        ("change", "casework:phone_add_tip", f"Anna (guest {guest.pk})", None),
    ]
    assert events[0].meeting_number == room.meeting_id


def test_a_tip_that_looks_like_it_identifies_someone_is_asked_about_first(room):
    phone = join_as(room.meeting)
    text = "Bel de buurtcoach op 06-12345678"
    response = phone_tip(phone, room, text)
    assert response.status_code == 422
    assert response["X-Akad-Privacy"] == "1"
    assert not Tip.objects.filter(text=text).exists()
    plain = phone_tip(phone, room, text, js=False)
    assert plain.status_code == 422 and 'name="save_anyway"' in plain.content.decode()
    url = reverse("casework:phone_add_tip", args=[room.meeting_id])
    goal = room.goals.order_by("domain__order").first()
    column = room.meeting.network.matrix.columns.order_by("order").first()
    data = {
        "key": str(uuid.uuid4()),
        "case": room.pk,
        "domain": goal.domain_id,
        "column": column.pk,
        "text": text,
        "save_anyway": "on",
    }
    assert phone.post(url, data, **PHONE).status_code == 200
    assert Tip.objects.filter(text=text).count() == 1


def test_names_and_typed_organisations_lose_invisible_direction_controls(case):
    guest = guest_of(join_as(case.meeting, "An\u202ena", organisation_name="Buurt\u200bhuis"))
    assert guest.display_name == "Anna" and guest.organisation_name == "Buurthuis"
