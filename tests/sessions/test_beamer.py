"""The beamer follows the console; an unchanged poll is cheap and leaks nothing."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.models import Step
from sessions.services.live import go_to_step
from sessions.services.tips import add_tip, choose_tip
from sessions.services.versions import touch
from sessions.steps import BEAMER_TIPS_PER_CELL
from tests.clients import HTMX
from tests.factories import TipFactory


def poll_url(html: str) -> str:
    return re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")


@pytest.fixture
def live_case(case):
    go_to_step(case=case, step=Step.TIPS)
    return case


def test_beamer_shows_the_current_case_step_and_placemat(client, case_bringer, live_case):
    TipFactory(case=live_case, text="Koffieochtend in het buurthuis")
    client.force_login(case_bringer)
    html = client.get(reverse("casework:beamer", args=[live_case.meeting_id])).content.decode()
    assert str(live_case.client) in html
    assert "Koffieochtend in het buurthuis" in html
    assert 'class="timer"' in html
    assert "Financiën" in html


def test_beamer_before_any_case_started_shows_the_meeting(client, case_bringer, case):
    client.force_login(case_bringer)
    html = client.get(reverse("casework:beamer", args=[case.meeting_id])).content.decode()
    assert case.meeting.place in html


def test_unchanged_poll_is_204_with_at_most_one_query(client, case_bringer, live_case):
    client.force_login(case_bringer)
    url = poll_url(
        client.get(reverse("casework:beamer", args=[live_case.meeting_id])).content.decode()
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **HTMX)
    assert response.status_code == 204
    assert len(queries) <= 1


def test_changed_poll_renders_the_new_tip(client, case_bringer, live_case):
    client.force_login(case_bringer)
    url = poll_url(
        client.get(reverse("casework:beamer", args=[live_case.meeting_id])).content.decode()
    )
    goal = live_case.goals.first()
    column = live_case.meeting.network.matrix.columns.first()
    import uuid

    add_tip(
        case=live_case,
        key=uuid.uuid4(),
        domain=goal.domain,
        column=column,
        text="Maatje via Vrijwilligerscentrale",
    )
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maatje via Vrijwilligerscentrale" in html
    assert "<html" not in html
    # The new content polls with the new version, so the next poll is unchanged again.
    assert client.get(poll_url(html), **HTMX).status_code == 204


def test_poll_with_a_forged_pass_takes_the_checked_path(client, outsider, live_case):
    client.force_login(outsider)
    url = reverse("casework:beamer_poll", args=[live_case.meeting_id])
    response = client.get(f"{url}?v=1&pass=forged", **HTMX)
    assert response.status_code == 404


def test_a_pass_for_another_meeting_does_not_count(client, case_bringer, outsider, live_case):
    from tests.factories import MeetingFactory

    other = MeetingFactory(network=outsider.memberships.get().network)
    client.force_login(case_bringer)
    url = poll_url(
        client.get(reverse("casework:beamer", args=[live_case.meeting_id])).content.decode()
    )
    stolen = url.split("pass=")[1]
    client.force_login(outsider)
    response = client.get(
        f"{reverse('casework:beamer_poll', args=[other.pk])}?v={other.version}&pass={stolen}",
        **HTMX,
    )
    assert response.status_code == 200  # the outsider's own meeting, rendered through the full path
    response = client.get(
        f"{reverse('casework:beamer_poll', args=[live_case.meeting_id])}?v=999&pass={stolen}",
        **HTMX,
    )
    assert response.status_code == 404


def test_anonymous_poll_is_sent_to_the_login(client, live_case):
    response = client.get(reverse("casework:beamer_poll", args=[live_case.meeting_id]), **HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith(reverse("accounts:login"))


def test_the_pass_is_refused_after_logout(client, case_bringer, live_case):
    """Before, a pass answered for 10 minutes after the logout, to anyone."""
    client.force_login(case_bringer)
    url = poll_url(
        client.get(reverse("casework:beamer", args=[live_case.meeting_id])).content.decode()
    )
    assert client.get(url, **HTMX).status_code == 204
    client.post(reverse("accounts:logout"))
    response = client.get(url, **HTMX)
    assert response.status_code == 200  # not 204: the login page, by a client redirect
    assert response.headers["HX-Redirect"].startswith(reverse("accounts:login"))


def test_the_pass_is_worth_nothing_without_its_session(client, case_bringer, live_case):
    """A copied poll URL tells another browser nothing, not even the meeting's version."""
    from django.test import Client

    client.force_login(case_bringer)
    url = poll_url(
        client.get(reverse("casework:beamer", args=[live_case.meeting_id])).content.decode()
    )
    response = Client().get(url, **HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith(reverse("accounts:login"))
    # Nor with another session of the same user (its own beamer page has its own pass).
    other = Client()
    other.force_login(case_bringer)
    with CaptureQueriesContext(connection) as queries:
        assert other.get(url, **HTMX).status_code == 200  # the checked path, not the pass's 204
    assert len(queries) > 1


@pytest.mark.parametrize("step", [Step.DOMAINS, Step.CLOSING, Step.EVALUATION])
def test_the_spotlight_shows_only_in_the_tips_step(client, case_bringer, live_case, step):
    """The spotlight guides the tips round; before and after it no column is singled out,
    even though the case keeps the column the facilitator left it on."""
    TipFactory(case=live_case, text="Koffieochtend in het buurthuis")
    assert live_case.spotlight_id  # going to the tips step put the first column in it
    client.force_login(case_bringer)
    url = reverse("casework:beamer", args=[live_case.meeting_id])
    assert "spotlight" in client.get(url).content.decode()

    go_to_step(case=live_case, step=step)
    html = client.get(url).content.decode()
    assert "Koffieochtend in het buurthuis" in html  # the placemat is there…
    assert "spotlight" not in html  # …without a column in the spotlight


def test_closing_shows_the_chosen_tips_with_their_actions(client, case_bringer, live_case):
    """In the closing step the room sees what was agreed: each chosen tip with who does
    what, and when. Tips not taken to the client are not among the agreements."""
    chosen = TipFactory(case=live_case, text="Koffieochtend in het buurthuis")
    choose_tip(
        tip=chosen,
        chosen=True,
        action_who="Priya (MEE)",
        action_what="De folder meegeven bij het huisbezoek",
        action_when="Volgende week dinsdag",
    )
    TipFactory(case=live_case, text="Budgetcoach via de gemeente")
    go_to_step(case=live_case, step=Step.CLOSING)
    client.force_login(case_bringer)
    html = client.get(reverse("casework:beamer", args=[live_case.meeting_id])).content.decode()
    agreements = html[html.index('class="agreements"') :]
    for text in (
        "Koffieochtend in het buurthuis",
        "Priya (MEE)",
        "De folder meegeven bij het huisbezoek",
        "Volgende week dinsdag",
        ">Wie<",
        ">Wat<",
        ">Wanneer<",
    ):
        assert text in agreements
    assert "Budgetcoach via de gemeente" not in html


def test_closing_before_any_choice_shows_the_placemat_to_choose_from(
    client, case_bringer, live_case
):
    TipFactory(case=live_case, text="Budgetcoach via de gemeente")
    go_to_step(case=live_case, step=Step.CLOSING)
    client.force_login(case_bringer)
    html = client.get(reverse("casework:beamer", args=[live_case.meeting_id])).content.decode()
    assert 'class="agreements"' not in html
    assert "Budgetcoach via de gemeente" in html  # on the placemat
    assert "Nog geen tips gekozen" in html


def test_a_full_cell_shows_its_newest_tips_and_how_many_more(
    client, case_bringer, facilitator, live_case
):
    """Readable from the back of the room, and a render that does not grow with the round:
    the beamer shows a cell's newest tips and a count of the rest; the console shows all."""
    goal = live_case.goals.first()
    column = live_case.meeting.network.matrix.columns.first()
    client.force_login(case_bringer)
    url = reverse("casework:beamer", args=[live_case.meeting_id])
    written = []

    def beamer_after(count: int) -> tuple[str, int]:
        for _ in range(count):
            written.append(f"Idee {len(written):03}")
            TipFactory(case=live_case, domain=goal.domain, column=column, text=written[-1])
        touch(live_case.meeting_id)  # as the services do
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return html, len(queries)

    html, few_queries = beamer_after(BEAMER_TIPS_PER_CELL)
    assert "eerdere tip" not in html
    assert re.findall(r"Idee \d{3}", html) == written
    html, many_queries = beamer_after(30)
    assert re.findall(r"Idee \d{3}", html) == written[-BEAMER_TIPS_PER_CELL:]  # newest, in order
    assert "+ 30 eerdere tips" in html  # Dutch by default
    assert many_queries == few_queries
    client.force_login(facilitator)
    console = client.get(reverse("casework:console", args=[live_case.pk]))
    assert all(text in console.content.decode() for text in written)
