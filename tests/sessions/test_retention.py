"""Erasure and retention (AVG): nothing of an erased client remains, the figures stay right."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from networks.models import AccessEvent
from sessions.models import CaseDiscussion, Client, Meeting, Step, Tip, TipOutcome
from sessions.selectors.statistics import counts_per_formality
from sessions.services.follow_up import record_outcome
from sessions.services.live import go_to_step
from sessions.services.retention import erase_client, purge_expired
from sessions.services.tips import choose_tip
from sessions.services.versions import render_key
from tests.clients import HTMX, english_client
from tests.factories import CaseDiscussionFactory, MeetingFactory, TipFactory, mark

PSEUDONYM = "Kievit"


def rows_naming(text: str) -> list[str]:
    """Every row of every table of the project that holds `text` in a text column."""
    found = []
    for model in apps.get_models():
        text_fields = [
            f.name for f in model._meta.fields if isinstance(f, models.CharField | models.TextField)
        ]
        query = models.Q()
        for name in text_fields:
            query |= models.Q(**{f"{name}__icontains": text})
        if text_fields and model.objects.filter(query).exists():
            found.append(model._meta.label)
    return found


@pytest.fixture
def story(case, facilitator):
    """A client with a discussed case (tips, a chosen tip with an outcome reported in a later
    meeting), a correction of it in the admin log, and a later meeting that reported on it."""
    case.client.pseudonym = PSEUDONYM
    case.client.save()
    tips = [TipFactory(case=case, text=f"Tip voor {PSEUDONYM} {n}") for n in range(3)]
    choose_tip(tip=tips[0], chosen=True, action_who="Sanne")
    later = MeetingFactory(
        network=case.meeting.network, starts_at=case.meeting.starts_at + timedelta(days=28)
    )
    record_outcome(tip=tips[0], tried=True, result="worked", reported_in=later)
    for obj in (case.client, case, tips[1]):
        LogEntry.objects.log_actions(
            user_id=facilitator.pk, queryset=[obj], action_flag=CHANGE, change_message="[]"
        )
    LogEntry.objects.create(
        user_id=facilitator.pk,
        content_type=ContentType.objects.get_for_model(Meeting),
        object_id=str(case.meeting_id),
        object_repr=str(case.meeting),
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"name": "case", "object": "{PSEUDONYM} (x)"}}}}]',
    )
    return {"case": case, "tips": tips, "later": later}


def test_nothing_of_an_erased_client_remains_anywhere(story, facilitator):
    case = story["case"]
    number = case.client_id
    assert rows_naming(PSEUDONYM)  # the check finds them while they exist

    erase_client(client=case.client, actor=facilitator.email, user=facilitator)

    assert rows_naming(PSEUDONYM) == []
    assert not Client.objects.filter(pk=number).exists()
    assert not CaseDiscussion.objects.filter(pk=case.pk).exists()
    assert not Tip.objects.filter(pk__in=[t.pk for t in story["tips"]]).exists()
    assert not TipOutcome.objects.exists()
    assert LogEntry.objects.count() == 0
    erased = AccessEvent.objects.get(kind=AccessEvent.Kind.ERASE)
    assert (erased.client_number, erased.actor, erased.network_id) == (
        number,
        facilitator.email,
        case.meeting.network_id,
    )


def test_the_networks_figures_stay_the_same_without_the_client(story, noord):
    other = CaseDiscussionFactory(meeting=story["case"].meeting)
    mark(other, "financien")
    choose_tip(tip=TipFactory(case=other), chosen=True)
    before = counts_per_formality(noord)
    assert before[0]["tips"] == 4 and before[0]["chosen"] == 2 and before[0]["worked"] == 1

    erase_client(client=story["case"].client, actor="test")

    assert counts_per_formality(noord) == before
    erase_client(client=other.client, actor="test")
    assert counts_per_formality(noord) == before


def test_meetings_that_showed_the_client_renew(story):
    case, later = story["case"], story["later"]
    versions = {m.pk: m.version for m in Meeting.objects.filter(pk__in=[case.meeting_id, later.pk])}

    erase_client(client=case.client, actor="test")

    renewed = {m.pk: m.version for m in Meeting.objects.filter(pk__in=versions)}
    assert all(renewed[pk] > versions[pk] for pk in versions)


@pytest.mark.django_db(transaction=True)
def test_cached_renders_of_an_erased_client_are_dropped_after_the_erasure(noord):
    case = CaseDiscussionFactory(meeting__network=noord, client__pseudonym=PSEUDONYM)
    meeting = Meeting.objects.get(pk=case.meeting_id)
    keys = [
        render_key("beamer", meeting.pk, meeting.version, 1, language="en"),
        render_key("report-meeting", meeting.pk, meeting.version, language="nl"),
        render_key("report-case", meeting.pk, meeting.version, case.pk, language="nl"),
    ]
    for key in keys:
        cache.set(key, PSEUDONYM)
    erase_client(client=case.client, actor="test")
    assert [cache.get(key) for key in keys] == [None, None, None]


def discussed(network, pseudonym: str, when: datetime) -> CaseDiscussion:
    return CaseDiscussionFactory(
        meeting__network=network, meeting__starts_at=when, client__pseudonym=pseudonym
    )


def test_purge_removes_clients_past_the_networks_retention(noord, zuid):
    now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    discussed(noord, "Oud", now - timedelta(days=25 * 31))
    discussed(noord, "Recent", now - timedelta(days=23 * 30))
    both = discussed(noord, "Terug", now - timedelta(days=30 * 31))
    discussed(noord, "Terug-later", now)  # another client
    CaseDiscussionFactory(meeting__network=noord, meeting__starts_at=now, client=both.client)
    zuid.retention_months = 12
    zuid.save()
    discussed(zuid, "Zuid-oud", now - timedelta(days=13 * 31))
    discussed(zuid, "Zuid-nieuw", now - timedelta(days=11 * 30))
    with time_machine.travel(now - timedelta(days=40 * 30)):
        Client.objects.create(network=noord, pseudonym="Nooit besproken")

    with time_machine.travel(now, tick=False):
        erased = purge_expired()

    assert erased == {"Noord": 2, "Zuid": 1}
    assert set(Client.objects.values_list("pseudonym", flat=True)) == {
        "Recent",
        "Terug",
        "Terug-later",
        "Zuid-nieuw",
    }
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.ERASE).count() == 3


def test_purge_expired_command_reports_what_it_erased(noord, capsys):
    discussed(noord, "Oud", datetime(2020, 1, 1, tzinfo=UTC))
    call_command("purge_expired")
    assert "Noord: 1 client(s) erased" in capsys.readouterr().out
    call_command("purge_expired")
    assert "0 client(s) erased in all." in capsys.readouterr().out


# The coordinator's erasure -------------------------------------------------------------------


def erase_url(case) -> str:
    return reverse("casework:client_erase", args=[case.client_id])


def test_the_coordinator_erases_a_client_after_typing_the_pseudonym(story, coordinator):
    client = english_client(coordinator)
    case = story["case"]
    page = client.get(erase_url(case)).content.decode()
    assert "1 case discussion" in page and "3 tips" in page

    wrong = client.post(erase_url(case), {"pseudonym": "Merel"})
    assert wrong.status_code == 422
    assert "That is not this client&#x27;s pseudonym: nothing was erased." in wrong.content.decode()
    assert Client.objects.filter(pk=case.client_id).exists()

    right = client.post(erase_url(case), {"pseudonym": f" {PSEUDONYM.lower()} "}, follow=True)
    assert "The client is erased" in right.content.decode()
    assert not Client.objects.filter(pk=case.client_id).exists()
    assert rows_naming(PSEUDONYM) == []


def test_only_the_coordinator_may_erase(story, facilitator, outsider):
    case = story["case"]
    assert (
        english_client(facilitator).post(erase_url(case), {"pseudonym": PSEUDONYM}).status_code
        == 403
    )
    assert (
        english_client(outsider).post(erase_url(case), {"pseudonym": PSEUDONYM}).status_code == 404
    )
    assert Client.objects.filter(pk=case.client_id).exists()


def test_the_meeting_page_offers_erasure_to_the_coordinator_only(story, coordinator, facilitator):
    case = story["case"]
    url = reverse("casework:meeting_detail", args=[case.meeting_id])
    assert erase_url(case) in english_client(coordinator).get(url).content.decode()
    assert erase_url(case) not in english_client(facilitator).get(url).content.decode()


def test_the_live_beamer_of_an_erased_client_moves_on(story, coordinator, case_bringer, client):
    case = story["case"]
    go_to_step(case=case, step=Step.TIPS)
    client.force_login(case_bringer)
    beamer = reverse("casework:beamer", args=[case.meeting_id])
    assert PSEUDONYM in client.get(beamer).content.decode()
    english_client(coordinator).post(erase_url(case), {"pseudonym": PSEUDONYM})
    assert PSEUDONYM not in client.get(beamer, **HTMX).content.decode()
