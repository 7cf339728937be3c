"""A client's right of access (AVG art. 15): the coordinator downloads one CSV file with
everything the app holds about the client; nobody else gets it, and the access log has it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matrices.models import Level
from networks.models import AccessEvent, Role
from sessions.models import Step
from sessions.services.follow_up import record_outcome
from sessions.services.live import go_to_step
from sessions.services.tips import choose_tip, record_decision
from tests.clients import english_client
from tests.factories import (
    CaseDiscussionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    TipFactory,
    mark,
)
from tests.guests import join_as

HEADER = [
    "Kind",
    "Meeting",
    "Domain",
    "Column",
    "Field",
    "Text",
    "Current level",
    "Target level",
    "Given by",
    "Organisation",
    "Hidden in the room",
    "Taken to the client",
    "Client's decision",
    "Action: who",
    "Action: what",
    "Action: when",
    "Tried",
    "Result",
    "Why",
    "Reported in meeting",
    "Reported by",
]


def export_url(client_pk: int) -> str:
    return reverse("casework:client_export", args=[client_pk])


def read_csv(response) -> list[dict[str, str]]:
    """The file as a spreadsheet reads it: UTF-8 with its byte-order mark, ';' between cells."""
    content = response.content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def header_of(response) -> list[str]:
    text = response.content.decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


@pytest.fixture
def record(case, case_bringer):
    """A client discussed twice: the presentation, goals with levels, tips (one chosen with
    an action and two follow-ups, one hidden), and an evaluation."""
    case.client.pseudonym = "Kievit"
    case.client.birth_year = 1962
    case.client.save()
    case.situation = "Woont alleen\nsinds de zomer"
    case.strengths = "Kookt graag"
    case.rating, case.rating_remark = 4, "Goed gesprek"
    case.save()
    goal = case.goals.get(domain__key="financien")
    goal.goal = "Overzicht in de post"
    goal.current_level, goal.target_level = Level.objects.get(score=2), Level.objects.get(score=4)
    goal.save()
    buurthuis = OrganisationFactory(network=case.meeting.network, name="Buurthuis De Pit")
    chosen = TipFactory(
        case=case, text="Formulierenbrigade", given_by="Fatima", organisation=buurthuis
    )
    choose_tip(
        tip=chosen,
        chosen=True,
        action_who="Sanne",
        action_what="Belt de brigade",
        action_when="Voor vrijdag",
    )
    record_decision(tip=chosen, decision="accepted")
    TipFactory(case=case, text="Weggemodereerd", hidden=True)
    later = MeetingFactory(
        network=case.meeting.network, starts_at=case.meeting.starts_at + timedelta(days=28)
    )
    record_outcome(tip=chosen, tried=False, why="Nog geen tijd", reported_by="Sanne")
    record_outcome(
        tip=chosen, tried=True, result="worked", why="Post is op orde", reported_in=later
    )
    second = CaseDiscussionFactory(meeting=later, client=case.client, question="En nu?")
    mark(second, "sociaal-netwerk")
    TipFactory(case=second, text="Koffieochtend")
    return {"case": case, "second": second, "later": later, "chosen": chosen}


def test_the_coordinator_downloads_everything_about_the_client(record, coordinator):
    case, second = record["case"], record["second"]
    response = english_client(coordinator).get(export_url(case.client_id))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="akad-client-data-kievit-{today}.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert header_of(response) == HEADER

    rows = read_csv(response)
    first, then = case.meeting.starts_at.date().isoformat(), record["later"].starts_at.date()
    kinds = [row["Kind"] for row in rows]
    assert kinds[:4] == ["client"] * 4
    client_fields = {row["Field"]: row["Text"] for row in rows if row["Kind"] == "client"}
    assert client_fields["Pseudonym"] == "Kievit"
    assert client_fields["Birth year"] == "1962"
    assert client_fields["Case-bringer"] == str(case.case_bringer)

    discussion = {
        (row["Meeting"], row["Field"]): row["Text"]
        for row in rows
        if row["Kind"] == "case discussion"
    }
    assert discussion[(first, "Current life situation")] == "Woont alleen\nsinds de zomer"
    assert discussion[(first, "Strengths and talents")] == "Kookt graag"
    assert discussion[(first, "Question to the group")] == case.question
    assert discussion[(first, "Evaluation: rating")] == "4"
    assert discussion[(first, "Evaluation: remark")] == "Goed gesprek"
    assert discussion[(then.isoformat(), "Question to the group")] == "En nu?"

    goals = [row for row in rows if row["Kind"] == "goal"]
    assert [(g["Meeting"], g["Domain"]) for g in goals] == [
        (first, "Finances"),
        (first, "Social network"),
        (then.isoformat(), "Social network"),
    ]
    assert goals[0]["Text"] == "Overzicht in de post"
    assert goals[0]["Current level"].startswith("2 – ")
    assert goals[0]["Target level"].startswith("4 – ")

    tips = {row["Text"]: row for row in rows if row["Kind"] == "tip"}
    assert set(tips) == {"Formulierenbrigade", "Weggemodereerd", "Koffieochtend"}
    chosen = tips["Formulierenbrigade"]
    assert chosen["Meeting"] == first and chosen["Domain"] == "Finances"
    assert chosen["Column"] == case.meeting.network.matrix.columns.first().label
    assert chosen["Given by"] == "Fatima" and chosen["Organisation"] == "Buurthuis De Pit"
    assert chosen["Taken to the client"] == "yes" and chosen["Hidden in the room"] == "no"
    assert chosen["Client's decision"] == "client wants to try it"
    assert (chosen["Action: who"], chosen["Action: what"], chosen["Action: when"]) == (
        "Sanne",
        "Belt de brigade",
        "Voor vrijdag",
    )
    assert tips["Weggemodereerd"]["Hidden in the room"] == "yes"
    assert tips["Koffieochtend"]["Meeting"] == then.isoformat()

    follow_ups = [row for row in rows if row["Kind"] == "follow-up"]
    assert [(f["Text"], f["Tried"], f["Result"], f["Why"]) for f in follow_ups] == [
        ("Formulierenbrigade", "no", "", "Nog geen tijd"),
        ("Formulierenbrigade", "yes", "worked", "Post is op orde"),
    ]
    assert follow_ups[0]["Reported by"] == "Sanne" and follow_ups[0]["Reported in meeting"] == ""
    assert follow_ups[1]["Reported in meeting"] == then.isoformat()
    # Each follow-up comes right after its tip.
    index = kinds.index("follow-up")
    assert rows[index - 1]["Text"] == "Formulierenbrigade" and kinds[index - 1] == "tip"
    assert second.pk  # the second discussion's rows come after the first's
    assert kinds.index("tip") < [r["Meeting"] for r in rows].index(then.isoformat())


def test_the_file_is_in_dutch_for_a_dutch_user(record, coordinator):
    client = WebClient()
    client.force_login(coordinator)
    response = client.get(export_url(record["case"].client_id))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="akad-clientgegevens-kievit-'
    )
    header = header_of(response)
    assert header[:6] == ["Soort", "Bijeenkomst", "Domein", "Kolom", "Onderdeel", "Tekst"]
    rows = read_csv(response)
    assert rows[0]["Soort"] == "cliënt" and rows[0]["Onderdeel"] == "Pseudoniem"
    assert any(row["Domein"] == "Financiën" for row in rows)


def test_a_pseudonym_without_letters_of_a_file_name_gives_the_clients_number(case, coordinator):
    case.client.pseudonym = "🦊 🐦"
    case.client.save()
    response = english_client(coordinator).get(export_url(case.client_id))
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="akad-client-data-{case.client_id}-')
    assert read_csv(response)[0]["Text"] == "🦊 🐦"


def test_the_export_is_in_the_access_log_as_an_export(record, coordinator):
    case = record["case"]
    english_client(coordinator).get(export_url(case.client_id))
    event = AccessEvent.objects.get()
    assert event.kind == AccessEvent.Kind.EXPORT == "export"
    assert event.get_kind_display() == "exported"
    assert (event.client_number, event.meeting_number) == (case.client_id, None)
    assert (event.user, event.actor) == (coordinator, coordinator.email)
    assert (event.page, event.path) == ("casework:client_export", export_url(case.client_id))
    assert event.network_id == case.meeting.network_id


@pytest.fixture
def refused(noord, zuid, case, facilitator, case_bringer, outsider):
    """Everyone who may not have the file, with their web client."""
    member = MembershipFactory(network=noord, role=Role.MEMBER).user
    go_to_step(case=case, step=Step.TIPS)
    return {
        "coordinator of another network": english_client(outsider),
        "facilitator": english_client(facilitator),
        "member": english_client(member),
        "the case-bringer": english_client(case_bringer),
    }


def test_nobody_but_the_networks_coordinator_gets_the_file(refused, case):
    for who, client in refused.items():
        response = client.get(export_url(case.client_id))
        assert response.status_code == 404, who
        assert case.client.pseudonym not in response.content.decode(), who
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT).exists()


def test_a_missing_client_gets_the_same_404(coordinator, case):
    missing = english_client(coordinator).get(export_url(case.client_id + 1000))
    assert missing.status_code == 404


def test_a_guest_and_someone_logged_out_get_no_file(case):
    go_to_step(case=case, step=Step.TIPS)
    guest = join_as(case.meeting, "Anna").get(export_url(case.client_id))
    assert guest.status_code == 403  # a page that needs an account (and the way back)
    logged_out = WebClient().get(export_url(case.client_id))
    assert logged_out.status_code == 302 and logged_out["Location"].startswith(
        reverse("accounts:login")
    )
    for response in (guest, logged_out):
        assert "text/csv" not in response["Content-Type"]
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT).exists()


def test_the_coordinator_finds_the_download_on_the_meeting_and_the_client_page(
    case, coordinator, facilitator
):
    url = export_url(case.client_id)
    meeting = reverse("casework:meeting_detail", args=[case.meeting_id])
    erase = reverse("casework:client_erase", args=[case.client_id])
    assert url in english_client(coordinator).get(meeting).content.decode()
    assert url in english_client(coordinator).get(erase).content.decode()
    assert url not in english_client(facilitator).get(meeting).content.decode()


def queries_for(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_tips_and_follow_ups(record, coordinator):
    client = english_client(coordinator)
    case = record["case"]
    url = export_url(case.client_id)
    client.get(url)  # the session and the second factor's device, as on every later request
    few = queries_for(lambda: client.get(url))
    columns = list(case.meeting.network.matrix.columns.all())
    for n in range(60):
        tip = TipFactory(case=case, column=columns[n % len(columns)], chosen=n % 3 == 0)
        if n % 3 == 0:
            record_outcome(tip=tip, tried=True, result="partly", why=f"Deels {n}")
    third = CaseDiscussionFactory(
        meeting=MeetingFactory(
            network=case.meeting.network, starts_at=case.meeting.starts_at + timedelta(days=56)
        ),
        client=case.client,
    )
    mark(third, "financien", "sociaal-netwerk")
    TipFactory(case=third)
    many = queries_for(lambda: client.get(url))
    assert len(read_csv(client.get(url))) > 80
    assert many == few
