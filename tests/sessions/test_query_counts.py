"""Query counts of the hot pages stay the same whether a case has 5 tips or 150."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.models import Step
from sessions.selectors.placemat import placemat
from sessions.services.live import go_to_step
from sessions.services.versions import touch
from tests.clients import HTMX
from tests.factories import OrganisationFactory, TipFactory
from tests.guests import PHONE, join_as


def queries_for(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def grow(case, total: int) -> None:
    """Bring the case to `total` tips spread over its domains and columns, some chosen."""
    goals = list(case.goals.all())
    columns = list(case.meeting.network.matrix.columns.all())
    for n in range(case.tips.count(), total):
        TipFactory(
            case=case,
            domain=goals[n % len(goals)].domain,
            column=columns[n % len(columns)],
            chosen=n % 4 == 0,
        )
    touch(case.meeting_id)  # as every service does: beamers and reports see the new tips


@pytest.fixture
def measure(case):
    """Count the queries of `action` at 5 tips and at 150 tips."""

    def run(action) -> tuple[int, int]:
        grow(case, 5)
        small = queries_for(action)
        grow(case, 150)
        large = queries_for(action)
        return small, large

    return run


@pytest.mark.parametrize("step", [Step.TIPS, Step.CLOSING])
def test_console(client, facilitator, case, measure, step):
    go_to_step(case=case, step=step)
    client.force_login(facilitator)
    small, large = measure(lambda: client.get(reverse("casework:console", args=[case.pk])))
    assert small == large


def test_placemat_selector(case, measure):
    small, large = measure(lambda: placemat(case, with_outcomes=True).tips)
    assert small == large <= 4


def test_beamer_page_and_changed_poll(client, case_bringer, case, measure):
    go_to_step(case=case, step=Step.TIPS)
    client.force_login(case_bringer)
    small, large = measure(lambda: client.get(reverse("casework:beamer", args=[case.meeting_id])))
    assert small == large
    poll = reverse("casework:beamer_poll", args=[case.meeting_id])
    small, large = measure(lambda: client.get(poll, **HTMX))
    assert small == large


def test_review(client, case_bringer, case, measure):
    client.force_login(case_bringer)
    small, large = measure(lambda: client.get(reverse("casework:review", args=[case.pk])))
    assert small == large


def tip_payload(for_case, **fields) -> dict:
    goal = for_case.goals.order_by("domain__order").first()
    column = for_case.meeting.network.matrix.columns.order_by("order").first()
    return {
        "key": str(uuid.uuid4()),
        "text": "Nog een tip",
        "domain": goal.domain_id,
        "column": column.pk,
        **fields,
    }


# Adding a tip: the session and who sends it (the user and the case; or the guest with their
# meeting and its current case), the access log's row, the write (BEGIN, the cell's one
# statement, the tip, the meeting's version, COMMIT; in a test a savepoint and its release),
# and for a phone the list of its tips it answers with.
ADD_TIP_QUERIES = 9
ADD_GUEST_TIP_QUERIES = 9


def test_add_tip(client, facilitator, case, measure):
    go_to_step(case=case, step=Step.TIPS)
    client.force_login(facilitator)
    organisation = OrganisationFactory(network=case.meeting.network)
    url = reverse("casework:add_tip", args=[case.pk])
    payload = tip_payload(case, given_by="Kees", organisation=organisation.pk)

    def add():
        payload["key"] = str(uuid.uuid4())  # a new tip each time
        assert client.post(url, payload, **HTMX).status_code == 200

    small, large = measure(add)
    assert small == large == ADD_TIP_QUERIES


def test_add_tip_from_a_phone(case, measure):
    go_to_step(case=case, step=Step.TIPS)
    phone = join_as(case.meeting)
    url = reverse("casework:phone_add_tip", args=[case.meeting_id])
    payload = tip_payload(case, case=case.pk)

    def add():
        payload["key"] = str(uuid.uuid4())
        assert phone.post(url, payload, **PHONE).status_code == 200

    small, large = measure(add)
    assert small == large == ADD_GUEST_TIP_QUERIES


def test_a_retry_of_a_stored_tip_writes_nothing(client, facilitator, case):
    """The cell's statement finds the tip stored with the key: no insert, no new version."""
    go_to_step(case=case, step=Step.TIPS)
    client.force_login(facilitator)
    url = reverse("casework:add_tip", args=[case.pk])
    payload = tip_payload(case)
    client.post(url, payload, **HTMX)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, payload, **HTMX).status_code == 200
    assert not any(q["sql"].startswith(('INSERT INTO "casework_tip"', "UPDATE")) for q in queries)


def test_domains_step_does_not_query_per_domain(client, facilitator, case):
    from matrices.models import Domain
    from tests.factories import mark

    go_to_step(case=case, step=Step.DOMAINS)
    client.force_login(facilitator)
    url = reverse("casework:console", args=[case.pk])
    few = queries_for(lambda: client.get(url))
    marked = set(case.goals.values_list("domain__key", flat=True))
    domain_set = case.meeting.network.matrix.domain_set
    mark(
        case,
        *Domain.objects.filter(domain_set=domain_set)
        .exclude(key__in=marked)
        .values_list("key", flat=True),
    )
    assert case.goals.count() == 13
    # At most 9, one of them the count of tips from phones parked until the tips step.
    assert queries_for(lambda: client.get(url)) == few <= 9


def test_access_queries_join_only_what_every_view_needs(facilitator, case):
    """Each joined table costs PostgreSQL planning time on every request
    (sessions/selectors/objects.py)."""
    from networks.access import Viewer
    from sessions.selectors.objects import case_for, meeting_for, tip_for

    tip = TipFactory(case=case)
    for name, fetch, pk, most in [
        ("case_for", case_for, case.pk, 4),  # meeting, network, membership, client
        ("meeting_for", meeting_for, case.meeting_id, 4),  # network, membership, case, client
        ("tip_for", tip_for, tip.pk, 5),  # case, meeting, network, membership, client
    ]:
        with CaptureQueriesContext(connection) as queries:
            fetch(Viewer(facilitator), pk)
        assert len(queries) == 1
        assert queries[0]["sql"].count(" JOIN ") <= most, name


def test_after_a_change_the_beamer_content_is_rendered_once_for_every_screen(
    client, case_bringer, facilitator, case
):
    """The first screen that polls after a change renders; the others get the same content
    with the access check alone (session, user, the meeting with the viewer's role, and the
    access log's line)."""
    go_to_step(case=case, step=Step.TIPS)
    grow(case, 40)
    poll = reverse("casework:beamer_poll", args=[case.meeting_id])
    first, second = client, type(client)()
    first.force_login(case_bringer)
    second.force_login(facilitator)

    with CaptureQueriesContext(connection) as rendered:
        one = first.get(poll, **HTMX)
    with CaptureQueriesContext(connection) as shared:
        two = second.get(poll, **HTMX)

    assert len(shared) == 4 < len(rendered)
    assert one.content.split(b">", 1)[1] == two.content.split(b">", 1)[1]  # all but the wrapper
    assert b"Tip nummer" in two.content
    # The shared path reads no long text of the case; the render reads them in one query.
    assert not any("situation" in query["sql"] for query in shared)
    assert sum("situation" in query["sql"] for query in rendered) == 1


def test_the_beamer_renders_the_presentation_with_one_query_for_its_texts(
    client, facilitator, case
):
    go_to_step(case=case, step=Step.PRESENTATION)
    case.situation, case.question = "Woont alleen met haar kat.", "Hoe komt zij vaker buiten?"
    case.save()
    client.force_login(facilitator)
    poll = reverse("casework:beamer_poll", args=[case.meeting_id])
    with CaptureQueriesContext(connection) as rendered:
        html = client.get(poll, **HTMX).content.decode()
    assert "Woont alleen met haar kat." in html and "Hoe komt zij vaker buiten?" in html
    texts = ['."situation"', '."strengths"', '."question"']
    assert sum(any(text in query["sql"] for text in texts) for query in rendered) == 1
