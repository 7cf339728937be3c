"""NEN 7513: who viewed or changed which client's data, when, on which page; append-only."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from networks.models import AccessEvent, Role
from sessions.models import Step
from sessions.services.live import go_to_step
from tests.clients import HTMX, english_client
from tests.factories import CaseDiscussionFactory, MembershipFactory, TipFactory
from tests.sessions.test_beamer import poll_url


@pytest.fixture
def fclient(facilitator):
    return english_client(facilitator)


def events():
    return list(AccessEvent.objects.order_by("pk"))


def test_a_page_a_fragment_and_a_pdf_are_logged_with_the_client(fclient, facilitator, case):
    go_to_step(case=case, step=Step.TIPS)
    goal, column = case.goals.first(), case.meeting.network.matrix.columns.first()

    fclient.get(reverse("casework:console", args=[case.pk]))
    fclient.post(
        reverse("casework:add_tip", args=[case.pk]),
        {
            "key": "0e6b1a2c-3d4e-4f50-8a6b-7c8d9e0f1a2b",
            "text": "Buurtkamer",
            "domain": goal.domain_id,
            "column": column.pk,
        },
        **HTMX,
    )
    fclient.get(reverse("reports:case_pdf", args=[case.pk]))

    logged = [(e.kind, e.page, e.client_number, e.meeting_number, e.user_id) for e in events()]
    assert logged == [
        ("view", "casework:console", case.client_id, case.meeting_id, facilitator.pk),
        ("change", "casework:add_tip", case.client_id, case.meeting_id, facilitator.pk),
        ("view", "reports:case_pdf", case.client_id, case.meeting_id, facilitator.pk),
    ]
    assert all(e.network_id == case.meeting.network_id for e in events())
    assert events()[0].path == reverse("casework:console", args=[case.pk])
    assert events()[0].actor == facilitator.email


def test_a_meeting_pdf_and_a_tip_fragment_are_logged(fclient, case):
    tip = TipFactory(case=case)
    fclient.get(reverse("reports:meeting_pdf", args=[case.meeting_id]))
    fclient.get(reverse("casework:edit_tip", args=[tip.pk]), **HTMX)
    logged = [(e.page, e.client_number, e.meeting_number) for e in events()]
    assert logged == [
        ("reports:meeting_pdf", None, case.meeting_id),
        ("casework:edit_tip", case.client_id, case.meeting_id),
    ]


def test_an_unchanged_beamer_poll_logs_nothing_a_changed_one_does(client, case_bringer, case):
    go_to_step(case=case, step=Step.TIPS)
    client.force_login(case_bringer)
    url = poll_url(client.get(reverse("casework:beamer", args=[case.meeting_id])).content.decode())
    assert client.get(url, **HTMX).status_code == 204
    assert [e.page for e in events()] == ["casework:beamer"]
    TipFactory(case=case)
    go_to_step(case=case, step=Step.TIPS)  # a new version
    assert client.get(url, **HTMX).status_code == 200
    assert [e.page for e in events()] == ["casework:beamer", "casework:beamer_poll"]


def test_refused_requests_are_not_logged_as_access(client, outsider, case):
    client.force_login(outsider)
    assert client.get(reverse("casework:console", args=[case.pk])).status_code == 404
    assert events() == []


def test_the_log_is_append_only(fclient, case):
    fclient.get(reverse("casework:console", args=[case.pk]))
    event = AccessEvent.objects.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AccessEvent.objects.update(actor="iemand anders")
    with pytest.raises(TypeError):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.get().actor == event.actor


@pytest.fixture
def coordinator_client(coordinator):
    return english_client(coordinator)


def log_page(web, network, **filters):
    return web.get(reverse("accounts:access_log", args=[network.pk]), filters)


def test_the_coordinator_reads_the_log_filtered_by_client_person_and_period(
    coordinator_client, facilitator, case_bringer, case, noord
):
    other_case = CaseDiscussionFactory(meeting=case.meeting, client__pseudonym="Zwaluw")
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=UTC)):
        english_client(facilitator).get(reverse("casework:console", args=[case.pk]))
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=UTC)):
        english_client(facilitator).get(reverse("casework:review", args=[other_case.pk]))
        english_client(case_bringer).get(reverse("casework:review", args=[case.pk]))

    everything = log_page(coordinator_client, noord).content.decode()
    assert everything.count("<tr>") == 1 + 3  # the head and three lines

    by_client = log_page(coordinator_client, noord, client=case.client_id).content.decode()
    assert by_client.count("<tr>") == 1 + 2 and "Zwaluw" not in by_client.split("</form>")[1]

    by_person = log_page(coordinator_client, noord, user=case_bringer.pk).content.decode()
    assert by_person.count("<tr>") == 1 + 1 and "casework:review" in by_person

    since = log_page(coordinator_client, noord, since="2026-11-10", until="2026-11-30")
    assert since.content.decode().count("<tr>") == 1 + 2


def test_a_bad_period_gets_a_message_and_keeps_what_was_typed(coordinator_client, noord):
    html = log_page(coordinator_client, noord, since="2026-12-01", until="2026-11-01")
    html = html.content.decode()
    assert "The end of the period comes before its start." in html
    assert 'value="2026-12-01"' in html


def test_only_the_coordinator_reads_the_log(client, facilitator, outsider, noord):
    client.force_login(facilitator)
    assert log_page(client, noord).status_code == 403
    client.force_login(outsider)
    assert log_page(client, noord).status_code == 404


def test_an_erased_clients_lines_keep_only_the_number(coordinator_client, fclient, case, noord):
    fclient.get(reverse("casework:console", args=[case.pk]))
    number = case.client_id
    case.client.delete()
    html = log_page(coordinator_client, noord).content.decode()
    assert f"client no. {number}" in html
    assert AccessEvent.objects.get().client_number == number


def test_the_overview_links_the_coordinator_to_the_log(coordinator_client, noord, facilitator):
    url = reverse("accounts:access_log", args=[noord.pk])
    assert url in coordinator_client.get(reverse("casework:home")).content.decode()
    assert url not in english_client(facilitator).get(reverse("casework:home")).content.decode()
    member = MembershipFactory(network=noord, role=Role.MEMBER).user
    assert url not in english_client(member).get(reverse("casework:home")).content.decode()


def test_old_lines_are_shown_newest_first(coordinator_client, fclient, case, noord):
    for days in (3, 1, 2):
        with time_machine.travel(datetime(2026, 11, 20, tzinfo=UTC) - timedelta(days=days)):
            fclient.get(reverse("casework:console", args=[case.pk]))
    html = log_page(coordinator_client, noord).content.decode()
    assert html.index("19 Nov 2026") < html.index("18 Nov 2026") < html.index("17 Nov 2026")
