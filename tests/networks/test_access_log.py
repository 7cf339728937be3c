"""NEN 7513: who viewed, changed or exported which client's data, when, on which page;
append-only; the coordinator reads it, and downloads it as a CSV file."""

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
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


# The log as a CSV file ------------------------------------------------------------------------


def log_csv(web, network, **filters):
    return web.get(reverse("accounts:access_log_csv", args=[network.pk]), filters)


def read_csv(response) -> list[dict[str, str]]:
    """The file as a spreadsheet reads it: UTF-8 with its byte-order mark, ';' between cells."""
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == [
        "When",
        "Who",
        "Logged as",
        "What",
        "Client",
        "Client number",
        "Meeting number",
        "Page",
        "Address",
    ]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


DOWNLOADED_AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def logged(facilitator, case_bringer, case):
    """Three lines: the facilitator at the console (2 Nov) and at another client's review
    (20 Nov), the case-bringer at the review (20 Nov)."""
    other_case = CaseDiscussionFactory(meeting=case.meeting, client__pseudonym="Zwaluw")
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=UTC)):
        english_client(facilitator).get(reverse("casework:console", args=[case.pk]))
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=UTC)):
        english_client(facilitator).get(reverse("casework:review", args=[other_case.pk]))
        english_client(case_bringer).get(reverse("casework:review", args=[case.pk]))
    return other_case


def test_the_coordinator_downloads_the_log_of_the_filter(
    coordinator_client, coordinator, facilitator, case, noord, logged
):
    with time_machine.travel(DOWNLOADED_AT):
        response = log_csv(coordinator_client, noord, client=case.client_id)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="akad-access-log-noord-2026-12-01.csv"'
    )
    assert "no-store" in response["Cache-Control"]

    rows = read_csv(response)
    # Newest first, as on the page: the download itself, then the client's two lines.
    assert [(row["What"], row["Page"]) for row in rows] == [
        ("exported", "accounts:access_log_csv"),
        ("viewed", "casework:review"),
        ("viewed", "casework:console"),
    ]
    console = rows[2]
    assert console["When"] == "2026-11-02 11:00:00"  # Amsterdam time
    assert console["Who"] == str(facilitator) and console["Logged as"] == facilitator.email
    assert (console["Client"], console["Client number"]) == (
        case.client.pseudonym,
        str(case.client_id),
    )
    assert console["Meeting number"] == str(case.meeting_id)
    assert console["Address"] == reverse("casework:console", args=[case.pk])
    assert rows[0]["Who"] == str(coordinator)


def test_the_file_has_every_line_of_the_period_not_one_page(
    coordinator_client, facilitator, case, noord, logged
):
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=UTC)):
        line = {"network": noord, "user": facilitator, "actor": facilitator.email, "kind": "view"}
        # More than a page of the log (50).
        AccessEvent.objects.bulk_create(AccessEvent(**line, page="p", path="/") for _ in range(60))
    with time_machine.travel(DOWNLOADED_AT):
        rows = read_csv(log_csv(coordinator_client, noord, since="2026-11-10", until="2026-11-30"))
    assert len(rows) == 60 + 2  # not the 2 November line, nor the download of 1 December
    everyone = read_csv(log_csv(coordinator_client, noord))
    assert len(everyone) == 60 + 3 + 2  # and the two downloads


def test_the_download_is_logged_with_its_filter(coordinator_client, coordinator, case, noord):
    log_csv(coordinator_client, noord, client=case.client_id, since="2026-11-01")
    event = AccessEvent.objects.get()
    assert (event.kind, event.page, event.client_number) == (
        "export",
        "accounts:access_log_csv",
        case.client_id,
    )
    assert event.path == (
        reverse("accounts:access_log_csv", args=[noord.pk])
        + f"?client={case.client_id}&since=2026-11-01"
    )
    assert event.user == coordinator
    log_csv(coordinator_client, noord)
    assert AccessEvent.objects.order_by("-pk").first().client_number is None


def test_a_filter_with_a_mistake_gets_the_page_with_its_message(coordinator_client, noord):
    response = log_csv(coordinator_client, noord, since="2026-12-01", until="2026-11-01")
    page = reverse("accounts:access_log", args=[noord.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{page}?since=2026-12-01&until=2026-11-01"
    html = coordinator_client.get(response["Location"]).content.decode()
    assert "The end of the period comes before its start." in html
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT).exists()


def test_only_the_coordinator_downloads_the_log(facilitator, case_bringer, outsider, noord, case):
    english_client(facilitator).get(reverse("casework:console", args=[case.pk]))
    for user in (facilitator, case_bringer, outsider):
        response = log_csv(english_client(user), noord)
        assert response.status_code == 404, user
        assert "text/csv" not in response["Content-Type"]
    logged_out = log_csv(Client(), noord)
    assert logged_out.status_code == 302
    assert logged_out["Location"].startswith(reverse("accounts:login"))
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT).exists()


def test_an_erased_client_is_known_in_the_file_by_number(coordinator_client, fclient, case, noord):
    fclient.get(reverse("casework:console", args=[case.pk]))
    number = case.client_id
    case.client.delete()
    line = read_csv(log_csv(coordinator_client, noord))[-1]
    assert (line["Client"], line["Client number"]) == ("", str(number))


def test_the_log_page_offers_the_download_of_its_filter(coordinator_client, noord):
    html = log_page(coordinator_client, noord).content.decode()
    form = html.split('<form method="get"', 1)[1].split("</form>", 1)[0]
    url = reverse("accounts:access_log_csv", args=[noord.pk])
    assert f'formaction="{url}"' in form  # the same form: the filter as it is typed


def test_the_files_queries_do_not_grow_with_its_lines(coordinator_client, facilitator, noord):
    def lines(count):
        line = {"network": noord, "user": facilitator, "actor": facilitator.email, "kind": "view"}
        AccessEvent.objects.bulk_create(
            AccessEvent(**line, page="p", path="/") for _ in range(count)
        )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert log_csv(coordinator_client, noord).status_code == 200
        return len(captured)

    log_csv(coordinator_client, noord)  # the session's first request
    lines(3)
    few = queries()
    lines(300)
    assert queries() == few


# One row per look: a screen that keeps showing the same client's data ----------------------
#
# What was logged is remembered once the row is committed (transaction.on_commit); a test runs
# inside a transaction, so each request here runs its on-commit callbacks as production does.


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


def changed(case):
    """A change in the room: the meeting gets a new version, every screen redraws."""
    TipFactory(case=case)
    go_to_step(case=case, step=Step.TIPS)


def test_a_screen_that_keeps_polling_logs_its_look_once(client, case_bringer, case, send):
    go_to_step(case=case, step=Step.TIPS)
    client.force_login(case_bringer)
    send(lambda: client.get(reverse("casework:beamer", args=[case.meeting_id])))
    poll = reverse("casework:beamer_poll", args=[case.meeting_id])
    for _version in range(3):
        changed(case)
        assert send(lambda: client.get(poll, **HTMX)).status_code == 200
    assert [(e.page, e.client_number) for e in events()] == [
        ("casework:beamer", None),
        ("casework:beamer_poll", None),
    ]


def test_another_client_another_page_or_another_screen_is_another_look(
    client, case_bringer, case, send
):
    go_to_step(case=case, step=Step.TIPS)
    client.force_login(case_bringer)
    review = reverse("casework:review", args=[case.pk])
    send(lambda: client.get(review))
    send(lambda: client.get(review))  # the same look again: no row
    other_case = CaseDiscussionFactory(meeting=case.meeting, client__pseudonym="Zwaluw")
    send(lambda: client.get(reverse("casework:review", args=[other_case.pk])))
    send(lambda: client.get(reverse("casework:console", args=[case.pk])))
    second_screen = english_client(case_bringer)  # another login session: its own look
    send(lambda: second_screen.get(review))
    assert [(e.page, e.client_number) for e in events()] == [
        ("casework:review", case.client_id),
        ("casework:review", other_case.client_id),
        ("casework:console", case.client_id),
        ("casework:review", case.client_id),
    ]


def test_a_phone_logs_the_case_it_shows_once_and_the_next_case_again(case, send):
    from tests.guests import join_as

    go_to_step(case=case, step=Step.TIPS)
    phone = join_as(case.meeting, "Anna")
    poll = reverse("casework:phone_poll", args=[case.meeting_id])
    send(lambda: phone.get(poll, **HTMX))
    changed(case)
    send(lambda: phone.get(poll, **HTMX))  # the same client: no row
    other_case = CaseDiscussionFactory(meeting=case.meeting, client__pseudonym="Zwaluw")
    go_to_step(case=other_case, step=Step.PRESENTATION)
    send(lambda: phone.get(poll, **HTMX))
    assert [(e.page, e.client_number) for e in events()] == [
        ("casework:phone_poll", case.client_id),
        ("casework:phone_poll", other_case.client_id),
    ]


def test_a_screen_that_keeps_looking_gets_a_row_every_window(client, case_bringer, case, send):
    from networks.access import LOOK_WINDOW

    go_to_step(case=case, step=Step.TIPS)
    start = datetime(2026, 11, 20, 10, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(case_bringer)
        console = reverse("casework:console", args=[case.pk])
        send(lambda: client.get(console))
        clock.shift(timedelta(seconds=LOOK_WINDOW - 1))
        send(lambda: client.get(console))
        clock.shift(timedelta(seconds=2))
        send(lambda: client.get(console))
    assert [e.at for e in events()] == [start, start + timedelta(seconds=LOOK_WINDOW + 1)]


def test_every_change_is_logged(fclient, case, send):
    go_to_step(case=case, step=Step.TIPS)
    goal, column = case.goals.first(), case.meeting.network.matrix.columns.first()
    url = reverse("casework:add_tip", args=[case.pk])
    for text in ("Buurtkamer", "Wandelgroep"):
        data = {"key": str(uuid.uuid4()), "text": text, "domain": goal.domain_id}
        send(lambda data=data: fclient.post(url, {**data, "column": column.pk}, **HTMX))
    send(lambda: fclient.get(reverse("casework:console", args=[case.pk])))
    send(lambda: fclient.get(reverse("casework:console", args=[case.pk])))
    assert [(e.kind, e.page) for e in events()] == [
        ("change", "casework:add_tip"),
        ("change", "casework:add_tip"),
        ("view", "casework:console"),
    ]


def test_a_look_whose_row_was_rolled_back_is_logged_at_the_next_one(rf, facilitator, case, send):
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.urls import resolve

    from networks.access import Viewer, log_access

    path = reverse("casework:console", args=[case.pk])
    request = rf.get(path)
    request.user, request.resolver_match = facilitator, resolve(path)
    request.session = SessionStore()
    request.session.create()
    viewer = Viewer(facilitator, request)
    look = {"network_id": case.meeting.network_id, "client": case.client_id}

    def rolled_back():
        with transaction.atomic():
            assert log_access(viewer, **look) is not None
            raise RuntimeError("the request failed after the fetch")

    with pytest.raises(RuntimeError):
        send(rolled_back)
    assert events() == []
    assert send(lambda: log_access(viewer, **look)) is not None
    assert send(lambda: log_access(viewer, **look)) is None
    assert len(events()) == 1
