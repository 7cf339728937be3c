"""The case review: choose tips, record the client's decision and what came of it."""

import uuid
from datetime import timedelta
from itertools import cycle

import pytest
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from networks.models import Role
from sessions.models import Decision, Result, TipOutcome
from sessions.selectors.follow_up import awaiting_follow_up
from sessions.services.follow_up import record_outcome
from sessions.services.tips import choose_tip, record_decision
from tests.clients import HTMX, english_client
from tests.factories import (
    CaseDiscussionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    TipFactory,
    mark,
)


def review_url(case) -> str:
    return reverse("casework:review", args=[case.pk])


def choose_data(tip, *, chosen=True, who="", what="", when="", decision=""):
    p = f"tip{tip.pk}-"
    data = {p + "action_who": who, p + "action_what": what, p + "action_when": when}
    data[p + "decision"] = decision
    if chosen:
        data[p + "chosen"] = "on"
    return data


def outcome_data(tip, *, tried="yes", result="", why="", reported_by="", key=None):
    p = f"tip{tip.pk}-outcome-"
    return {
        p + "key": str(key or uuid.uuid4()),
        p + "tried": tried,
        p + "result": result,
        p + "why": why,
        p + "reported_by": reported_by,
    }


@pytest.fixture
def tip(case):
    return TipFactory(case=case, text="Elke ochtend wandelen met de hond van de buren")


@pytest.fixture
def later_meeting(case):
    return MeetingFactory(
        network=case.meeting.network, starts_at=case.meeting.starts_at + timedelta(days=28)
    )


@pytest.fixture
def member(noord):
    """A Noord member who did not bring this case and does not lead."""
    return MembershipFactory(network=noord, role=Role.MEMBER).user


def test_case_bringer_chooses_decides_and_records_outcome(case, case_bringer, tip, later_meeting):
    client = english_client(case_bringer)

    response = client.post(
        reverse("casework:review_tip", args=[tip.pk]),
        choose_data(tip, who="Anouk (MEE)", what="Buurvrouw vragen", when="voor 1 maart"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{review_url(case)}#tip-{tip.pk}"
    tip.refresh_from_db()
    assert tip.chosen and tip.decision == Decision.PENDING
    assert (tip.action_who, tip.action_what, tip.action_when) == (
        "Anouk (MEE)",
        "Buurvrouw vragen",
        "voor 1 maart",
    )
    assert list(awaiting_follow_up(later_meeting)) == [tip]

    client.post(
        reverse("casework:review_tip", args=[tip.pk]),
        choose_data(
            tip,
            who="Anouk (MEE)",
            what="Buurvrouw vragen",
            when="voor 1 maart",
            decision=Decision.ACCEPTED,
        ),
    )
    tip.refresh_from_db()
    assert tip.decision == Decision.ACCEPTED
    assert tip.action_who == "Anouk (MEE)"

    response = client.post(
        reverse("casework:review_outcome", args=[tip.pk]),
        outcome_data(
            tip, result=Result.DID_NOT_WORK, why="Te vroeg op de dag", reported_by="Anouk"
        ),
    )
    assert response.status_code == 302
    outcome = TipOutcome.objects.get(tip=tip)
    assert outcome.tried and outcome.result == Result.DID_NOT_WORK
    assert outcome.reported_in is None and outcome.recorded_by == case_bringer
    assert list(awaiting_follow_up(later_meeting)) == []

    page = client.get(review_url(case)).content.decode()
    assert "Te vroeg op de dag" in page
    assert "did not work" in page
    assert "recorded in the review on" in page


def test_unticking_a_tip_clears_the_clients_decision(case, case_bringer, tip):
    choose_tip(tip=tip, chosen=True, action_who="Anouk")
    record_decision(tip=tip, decision=Decision.ACCEPTED)
    english_client(case_bringer).post(
        reverse("casework:review_tip", args=[tip.pk]),
        choose_data(tip, chosen=False, who="Anouk", decision=Decision.ACCEPTED),
    )
    tip.refresh_from_db()
    assert not tip.chosen and tip.decision == Decision.PENDING
    assert tip.action_who == "Anouk"  # nothing typed is lost


def test_a_lead_may_review_too(case, facilitator, tip):
    response = english_client(facilitator).post(
        reverse("casework:review_tip", args=[tip.pk]), choose_data(tip)
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.chosen


def test_outcome_reported_in_a_meeting_shows_on_the_review(case, case_bringer, tip, later_meeting):
    choose_tip(tip=tip, chosen=True)
    record_outcome(
        tip=tip,
        tried=True,
        result=Result.WORKED,
        why="Ze gaat nu elke week",
        reported_in=later_meeting,
        reported_by="Fatima",
    )
    page = english_client(case_bringer).get(review_url(case)).content.decode()
    with translation.override("en"):
        when = date_filter(later_meeting.starts_at, "j F Y")
    assert "Ze gaat nu elke week" in page
    assert "Reported by Fatima" in page
    assert f"in the meeting of {when}" in page


def test_review_page_shows_case_tips_and_summary(case, case_bringer):
    org = OrganisationFactory(network=case.meeting.network, name="Formulierenbrigade")
    chosen = TipFactory(case=case, text="Hulp bij de brieven", organisation=org, given_by="Sanne")
    TipFactory(case=case, text="Koffieochtend in het buurthuis")
    choose_tip(tip=chosen, chosen=True)
    record_decision(tip=chosen, decision=Decision.ACCEPTED)
    record_outcome(tip=chosen, tried=True, result=Result.PARTLY)

    response = english_client(case_bringer).get(review_url(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert case.client.pseudonym in page
    assert case.question in page
    assert reverse("reports:case_pdf", args=[case.pk]) in page
    assert "Hulp bij de brieven" in page and "Formulierenbrigade" in page and "Sanne" in page
    summary = response.context["summary"]
    assert (summary.total, summary.chosen, summary.accepted, summary.with_outcome) == (2, 1, 1, 1)
    assert (summary.worked, summary.partly, summary.not_worked) == (0, 1, 0)
    # chosen is told in words, with a check mark, not by colour alone
    assert "✓ Taken to the client" in page
    # the domains and columns, left to right
    columns = [c.label for c in response.context["placemat"].columns]
    positions = [page.index(f">{label} <") for label in columns]
    assert positions == sorted(positions)


def test_member_may_look_but_not_change(case, member, tip):
    client = english_client(member)
    response = client.get(review_url(case))
    assert response.status_code == 200
    assert tip.text in response.content.decode()
    assert reverse("casework:review_tip", args=[tip.pk]) not in response.content.decode()

    assert (
        client.post(reverse("casework:review_tip", args=[tip.pk]), choose_data(tip)).status_code
        == 403
    )
    choose_tip(tip=tip, chosen=False)
    assert (
        client.post(
            reverse("casework:review_outcome", args=[tip.pk]), outcome_data(tip, tried="no")
        ).status_code
        == 403
    )
    tip.refresh_from_db()
    assert not tip.chosen
    assert not TipOutcome.objects.exists()


def test_outsider_gets_404_everywhere(case, outsider, tip):
    client = english_client(outsider)
    assert client.get(review_url(case)).status_code == 404
    assert (
        client.post(reverse("casework:review_tip", args=[tip.pk]), choose_data(tip)).status_code
        == 404
    )
    choose_tip(tip=tip, chosen=True)
    response = client.post(
        reverse("casework:review_outcome", args=[tip.pk]), outcome_data(tip, tried="no")
    )
    assert response.status_code == 404
    assert not TipOutcome.objects.exists()


def test_anonymous_is_sent_to_login(case, tip):
    response = Client().get(review_url(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_get_only_and_post_only(case, case_bringer, tip):
    client = english_client(case_bringer)
    assert client.post(review_url(case)).status_code == 405
    assert client.get(reverse("casework:review_tip", args=[tip.pk])).status_code == 405
    assert client.get(reverse("casework:review_outcome", args=[tip.pk])).status_code == 405


@pytest.mark.parametrize("htmx", [False, True])
def test_invalid_outcome_keeps_what_was_typed(case, case_bringer, tip, htmx):
    choose_tip(tip=tip, chosen=True)
    extra = HTMX if htmx else {}
    response = english_client(case_bringer).post(
        reverse("casework:review_outcome", args=[tip.pk]),
        outcome_data(
            tip, tried="yes", result="", why="De wandeling was te vroeg", reported_by="Anouk"
        ),
        **extra,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert not TipOutcome.objects.exists()
    assert "The follow-up was not saved" in page
    assert "Say whether it worked, partly worked or did not work." in page
    assert "De wandeling was te vroeg</textarea>" in page
    assert 'value="Anouk"' in page
    assert ("<html" in page) is (not htmx)
    assert '<details class="add-outcome" open>' in page


@pytest.mark.parametrize("htmx", [False, True])
def test_a_double_submit_of_a_follow_up_stores_it_once(case, case_bringer, tip, htmx):
    choose_tip(tip=tip, chosen=True)
    client = english_client(case_bringer)
    data = outcome_data(tip, result=Result.WORKED, why="Ze gaat elke week")
    extra = HTMX if htmx else {}
    url = reverse("casework:review_outcome", args=[tip.pk])
    first, again = client.post(url, data, **extra), client.post(url, data, **extra)
    assert first.status_code == again.status_code
    assert TipOutcome.objects.filter(tip=tip).count() == 1
    # A later follow-up on the same tip, from a fresh form, is a second report.
    client.post(url, outcome_data(tip, tried="no", why="Toch niet meer"), **extra)
    assert TipOutcome.objects.filter(tip=tip).count() == 2


def test_a_follow_up_key_used_for_another_tip_is_refused(case, case_bringer, tip):
    other = TipFactory(case=case, domain=tip.domain, column=tip.column)
    for chosen in (tip, other):
        choose_tip(tip=chosen, chosen=True)
    key = uuid.uuid4()
    record_outcome(tip=tip, tried=False, key=key)
    response = english_client(case_bringer).post(
        reverse("casework:review_outcome", args=[other.pk]),
        outcome_data(other, tried="no", key=key),
        **HTMX,
    )
    assert "This form was already used for another tip." in response.content.decode()
    assert not other.outcomes.exists()


def test_a_follow_up_form_without_its_key_says_it_is_out_of_date(case, case_bringer, tip):
    choose_tip(tip=tip, chosen=True)
    data = outcome_data(tip, tried="no", why="Geen tijd gehad")
    data[f"tip{tip.pk}-outcome-key"] = "nope"
    response = english_client(case_bringer).post(
        reverse("casework:review_outcome", args=[tip.pk]), data, **HTMX
    )
    page = response.content.decode()
    assert "This form is out of date. Send it again." in page
    assert "Geen tijd gehad</textarea>" in page
    assert not tip.outcomes.exists()


def test_outcome_for_a_tip_not_taken_to_the_client_is_refused(case, case_bringer, tip):
    response = english_client(case_bringer).post(
        reverse("casework:review_outcome", args=[tip.pk]), outcome_data(tip, tried="no"), **HTMX
    )
    assert response.status_code == 200
    assert "Only a tip taken to the client can get a follow-up." in response.content.decode()
    assert not TipOutcome.objects.exists()


def test_htmx_post_returns_only_the_card(case, case_bringer, tip):
    client = english_client(case_bringer)
    response = client.post(
        reverse("casework:review_tip", args=[tip.pk]), choose_data(tip, who="Anouk"), **HTMX
    )
    page = response.content.decode().strip()
    assert response.status_code == 200
    assert "<html" not in page and "review-summary" not in page
    assert page.startswith(f'<article id="tip-{tip.pk}"')
    assert page.endswith("</article>")
    assert "✓ Taken to the client" in page
    assert response["HX-Trigger"] == '{"review-changed": {}}'

    choose_tip(tip=tip, chosen=True)
    response = client.post(
        reverse("casework:review_outcome", args=[tip.pk]),
        outcome_data(tip, result=Result.WORKED),
        **HTMX,
    )
    page = response.content.decode().strip()
    assert page.startswith(f'<article id="tip-{tip.pk}"') and "<html" not in page
    assert "Follow-up saved" in page and "worked" in page


def test_htmx_get_returns_the_summary(case, case_bringer, tip):
    response = english_client(case_bringer).get(
        review_url(case), HTTP_HX_TARGET="review-summary", **HTMX
    )
    page = response.content.decode().strip()
    assert page.startswith('<section id="review-summary"')
    assert tip.text not in page


def make_tips(case, n: int, meeting) -> None:
    """n tips over the case's domains and columns; every third chosen with an outcome."""
    domains = [goal.domain for goal in case.goals.all()]
    columns = list(case.meeting.network.matrix.columns.all())
    org = OrganisationFactory(network=case.meeting.network)
    cells = cycle([(d, c) for d in domains for c in columns])
    for i in range(n):
        domain, column = next(cells)
        tip = TipFactory(
            case=case, domain=domain, column=column, organisation=org if i % 2 else None
        )
        if i % 3 == 0:
            choose_tip(tip=tip, chosen=True, action_who="Anouk")
            record_outcome(tip=tip, tried=True, result=Result.WORKED, reported_in=meeting)
            record_outcome(tip=tip, tried=False)


def test_query_count_does_not_grow_with_the_tips(noord, case_bringer, facilitator):
    meeting = MeetingFactory(network=noord)
    counts = {}
    for n in (5, 150):
        case = CaseDiscussionFactory(meeting__network=noord, case_bringer=case_bringer)
        mark(case, "financien", "sociaal-netwerk")
        make_tips(case, n, meeting)
        for user in (case_bringer, facilitator):
            client = english_client(user)
            client.get(review_url(case))  # warm up
            with CaptureQueriesContext(connection) as queries:
                response = client.get(review_url(case))
            assert response.status_code == 200
            assert len(response.context["placemat"].tips) == n
            counts[n, user.pk] = len(queries)
    assert counts[5, case_bringer.pk] == counts[150, case_bringer.pk]
    assert counts[5, facilitator.pk] == counts[150, facilitator.pk]


def widget_html(bound_field) -> str:
    """What Django's widget renders for the field (the markup the card writes out itself);
    for one radio button of a choice, its input without Django's label around it."""
    with translation.override("en"):
        return bound_field.tag() if hasattr(bound_field, "tag") else str(bound_field)


def test_the_cards_write_out_what_the_widgets_would_render(case, case_bringer, tip):
    """The card's inputs come from the bound fields, not from the widget templates: the same
    elements and attributes as Django's widgets, without rendering a template per input."""
    from django.forms.renderers import BaseRenderer
    from pytest_django.asserts import assertInHTML

    from sessions.forms.follow_up import OutcomeForm
    from sessions.forms.tips import ChooseForm, DecisionForm

    choose_tip(tip=tip, chosen=True, action_who="Anouk & Co", action_what="Bellen\nen mailen")
    record_decision(tip=tip, decision=Decision.DECLINED)
    client = english_client(case_bringer)
    renders = []
    original = BaseRenderer.render

    def counted(self, template_name, context, request=None):
        renders.append(template_name)
        return original(self, template_name, context, request)

    BaseRenderer.render = counted
    try:
        page = client.get(review_url(case)).content.decode()
    finally:
        BaseRenderer.render = original
    assert renders == []  # not one widget, attribute or error-list template

    # The same unbound forms as the page would have built before (the key aside: fresh).
    p = f"tip{tip.pk}"
    choose = ChooseForm(
        prefix=p,
        initial={"chosen": True, "action_who": tip.action_who, "action_what": tip.action_what},
    )
    decision = DecisionForm(prefix=p, initial={"decision": tip.decision})
    outcome = OutcomeForm(prefix=f"{p}-outcome", initial={"reported_by": str(case_bringer)})
    fields = [choose[name] for name in ("action_who", "action_what", "action_when")]
    fields += [decision["decision"], outcome["result"], outcome["why"]]
    fields += [outcome["reported_by"], *outcome["tried"]]
    for field in fields:
        assertInHTML(widget_html(field), page)
    assert f'<input type="hidden" name="{p}-outcome-key" value="' in page


def test_a_refused_card_shows_the_widgets_errors_and_aria(case, case_bringer, tip):
    from pytest_django.asserts import assertInHTML

    from sessions.forms.follow_up import OutcomeForm
    from sessions.forms.tips import ChooseForm, DecisionForm

    client = english_client(case_bringer)
    data = choose_data(tip, who="x" * 101, what="Bellen", decision="bogus")
    page = client.post(reverse("casework:review_tip", args=[tip.pk]), data, **HTMX)
    page = page.content.decode()
    choose, decision = (
        ChooseForm(data, prefix=f"tip{tip.pk}"),
        DecisionForm(data, prefix=f"tip{tip.pk}"),
    )
    with translation.override("en"):
        assert not choose.is_valid() and not decision.is_valid()
        for field in [choose["action_who"], choose["action_what"], decision["decision"]]:
            assertInHTML(widget_html(field), page)
            assertInHTML(str(field.errors), page)
        assert 'aria-invalid="true"' in page

    choose_tip(tip=tip, chosen=True)
    data = outcome_data(tip, tried="", why="Te vroeg")
    page = client.post(reverse("casework:review_outcome", args=[tip.pk]), data, **HTMX)
    page = page.content.decode()
    form = OutcomeForm(data, prefix=f"tip{tip.pk}-outcome")
    with translation.override("en"):
        assert not form.is_valid()
        for field in [form["why"], form["reported_by"], *form["tried"]]:
            assertInHTML(widget_html(field), page)
        assertInHTML(str(form["tried"].errors), page)
    assert f'aria-describedby="id_tip{tip.pk}-outcome-tried_error"' in page
