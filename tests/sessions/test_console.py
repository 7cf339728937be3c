"""The facilitator's live flow: steps, presentation autosave, domains, tips, closing."""

import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from matrices.models import Domain, Level
from networks.models import Role
from sessions.models import Decision, DomainGoal, Meeting, Step, Tip
from sessions.services.follow_up import record_outcome
from sessions.services.live import go_to_step, save_presentation, set_spotlight
from sessions.services.tips import add_tip
from tests.clients import HTMX, english_client
from tests.factories import (
    CaseDiscussionFactory,
    MembershipFactory,
    OrganisationFactory,
    TipFactory,
    mark,
)


@pytest.fixture
def fclient(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def efclient(facilitator):
    """The facilitator, in English: for tests that read the console's messages."""
    return english_client(facilitator)


def columns(case):
    return list(case.meeting.network.matrix.columns.order_by("order"))


def post_tip(client, case, **data):
    if case.step != Step.TIPS:
        go_to_step(case=case, step=Step.TIPS)
    goal = case.goals.first()
    payload = {
        "key": str(uuid.uuid4()),
        "text": "Wandelen met de hond van de buurvrouw",
        "domain": goal.domain_id,
        "column": columns(case)[0].pk,
        "given_by": "Anouk",
        **data,
    }
    return client.post(reverse("casework:add_tip", args=[case.pk]), payload, **HTMX), payload


def test_console_walks_all_seven_steps_forward_and_back(fclient, case):
    url = reverse("casework:change_step", args=[case.pk])
    for step in Step:
        response = fclient.post(url, {"step": step.value}, **HTMX)
        assert response.status_code == 200
        case.refresh_from_db()
        assert case.step == step
        assert 'aria-current="step"' in response.content.decode()
    fclient.post(url, {"step": Step.TIPS.value, "confirm": "1"}, **HTMX)
    case.refresh_from_db()
    assert case.step == Step.TIPS
    meeting = Meeting.objects.get(pk=case.meeting_id)
    assert meeting.current_case_id == case.pk


def version(case) -> int:
    return Meeting.objects.values_list("version", flat=True).get(pk=case.meeting_id)


def test_a_jump_over_steps_asks_first_and_moves_nothing_until_confirmed(efclient, case):
    url = reverse("casework:change_step", args=[case.pk])
    efclient.post(url, {"step": Step.OPENING.value}, **HTMX)
    before = version(case)

    response = efclient.post(url, {"step": Step.TIPS.value}, **HTMX)

    html = response.content.decode()
    assert "Jump from step 1 to step 5" in html and 'name="confirm" value="1"' in html
    case.refresh_from_db()
    assert case.step == Step.OPENING and version(case) == before  # the beamer did not move
    efclient.post(url, {"step": Step.TIPS.value, "confirm": "1"}, **HTMX)
    case.refresh_from_db()
    assert case.step == Step.TIPS and version(case) > before


def test_next_and_back_go_straight_through(fclient, case):
    url = reverse("casework:change_step", args=[case.pk])
    go_to_step(case=case, step=Step.DOMAINS)
    for step in (Step.TIPS, Step.DOMAINS):
        assert (
            "confirm-jump" not in fclient.post(url, {"step": step.value}, **HTMX).content.decode()
        )
        case.refresh_from_db()
        assert case.step == step


def test_a_step_of_a_case_not_yet_started_asks_before_starting_it(efclient, case):
    url = reverse("casework:change_step", args=[case.pk])
    response = efclient.post(url, {"step": Step.DOMAINS.value}, **HTMX)
    assert "This case has not started yet" in response.content.decode()
    case.refresh_from_db()
    assert case.started_at is None
    efclient.post(url, {"step": Step.OPENING.value}, **HTMX)  # "Start the discussion"
    case.refresh_from_db()
    assert case.started_at is not None and case.step == Step.OPENING


def test_reopening_a_case_after_the_room_moved_on_asks_first(efclient, case):
    go_to_step(case=case, step=Step.EVALUATION)
    other = CaseDiscussionFactory(meeting=case.meeting, order=2)
    go_to_step(case=other, step=Step.OPENING)
    url = reverse("casework:change_step", args=[case.pk])

    response = efclient.post(url, {"step": Step.CLOSING.value}, **HTMX)

    assert "The beamer shows another case now" in response.content.decode()
    assert Meeting.objects.get(pk=case.meeting_id).current_case_id == other.pk
    efclient.post(url, {"step": Step.CLOSING.value, "confirm": "1"}, **HTMX)
    assert Meeting.objects.get(pk=case.meeting_id).current_case_id == case.pk


def test_unknown_step_is_refused_with_a_message(fclient, case):
    response = fclient.post(
        reverse("casework:change_step", args=[case.pk]), {"step": "dance"}, **HTMX
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.step == Step.OPENING


def test_going_to_tips_puts_the_first_column_in_the_spotlight(case):
    go_to_step(case=case, step=Step.TIPS)
    assert case.spotlight == columns(case)[0]


def test_step_change_restarts_the_timer_and_raises_the_version(case):
    before = Meeting.objects.get(pk=case.meeting_id).version
    go_to_step(case=case, step=Step.PRESENTATION)
    first = case.step_started_at
    go_to_step(case=case, step=Step.DOMAINS)
    assert case.step_started_at > first
    assert Meeting.objects.get(pk=case.meeting_id).version == before + 2


def test_console_shows_the_timebox_of_the_network(fclient, case):
    network = case.meeting.network
    network.timeboxes = {**network.timeboxes, "tips": 17}
    network.save()
    go_to_step(case=case, step=Step.TIPS)
    html = fclient.get(reverse("casework:console", args=[case.pk])).content.decode()
    assert 'data-minutes="17"' in html


def test_a_step_left_open_after_the_meeting_shows_its_date_not_a_running_clock(
    fclient, case, case_bringer
):
    """A case left in a step and opened days later: no timer counting up for weeks."""
    with time_machine.travel(datetime(2026, 10, 28, 14, 30, tzinfo=UTC), tick=False):
        go_to_step(case=case, step=Step.EVALUATION)
    with time_machine.travel(datetime(2026, 10, 28, 15, 0, tzinfo=UTC), tick=False):
        live = fclient.get(reverse("casework:console", args=[case.pk])).content.decode()
    assert 'class="timer"' in live
    beamer_client = Client()
    beamer_client.force_login(case_bringer)
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=UTC), tick=False):
        later = fclient.get(reverse("casework:console", args=[case.pk])).content.decode()
        beamer = beamer_client.get(
            reverse("casework:beamer", args=[case.meeting_id])
        ).content.decode()
    for html in (later, beamer):
        assert 'class="timer"' not in html
        assert "sinds 28 oktober 2026" in html


def test_presentation_autosaves_only_the_fields_sent(fclient, case):
    case.situation = "Woont alleen"
    case.save()
    response = fclient.post(
        reverse("casework:save_presentation", args=[case.pk]), {"strengths": "Kookt graag"}, **HTMX
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.strengths == "Kookt graag"
    assert case.situation == "Woont alleen"


def test_marking_a_domain_with_goal_and_levels(fclient, case):
    domain = Domain.objects.get(
        domain_set=case.meeting.network.matrix.domain_set, key="huisvesting"
    )
    two, four = Level.objects.get(score=2), Level.objects.get(score=4)
    prefix = f"d{domain.pk}"
    response = fclient.post(
        reverse("casework:save_domains", args=[case.pk]),
        {
            "domain": domain.pk,
            f"{prefix}-marked": "on",
            f"{prefix}-goal": "Een eigen kamer",
            f"{prefix}-current_level": two.pk,
            f"{prefix}-target_level": four.pk,
        },
        **HTMX,
    )
    assert response.status_code == 200
    goal = DomainGoal.objects.get(case=case, domain=domain)
    assert (goal.goal, goal.current_level, goal.target_level) == ("Een eigen kamer", two, four)


def test_domain_rows_write_out_what_the_widgets_would_render(fclient, case):
    """The domains step writes its inputs out from the bound fields instead of rendering a
    widget template per input and option: the same markup as Django's widgets, also for a
    row refused with its errors."""
    from django.forms.renderers import BaseRenderer
    from pytest_django.asserts import assertInHTML

    from sessions.forms.live import DomainGoalForm
    from sessions.steps import domain_rows

    go_to_step(case=case, step=Step.DOMAINS)
    renders = []
    original = BaseRenderer.render

    def counted(self, template_name, context, request=None):
        renders.append(template_name)
        return original(self, template_name, context, request)

    BaseRenderer.render = counted
    try:
        page = fclient.get(reverse("casework:console", args=[case.pk])).content.decode()
    finally:
        BaseRenderer.render = original
    assert renders == []  # not one widget, option or attribute template
    for row in domain_rows(case):
        for name in ("goal", "current_level", "target_level"):
            assertInHTML(str(row["form"][name]), page)

    domain = Domain.objects.get(
        domain_set=case.meeting.network.matrix.domain_set, key="werk-opleiding"
    )
    prefix = f"d{domain.pk}"
    data = {
        "domain": domain.pk,
        f"{prefix}-marked": "on",
        f"{prefix}-goal": "x" * 301,
        f"{prefix}-current_level": "999",
        f"{prefix}-target_level": str(Level.objects.get(score=4).pk),
    }
    page = fclient.post(reverse("casework:save_domains", args=[case.pk]), data, **HTMX)
    form = DomainGoalForm(data, prefix=prefix)
    assert not form.is_valid()
    for name in ("goal", "current_level", "target_level"):
        assertInHTML(str(form[name]), page.content.decode())
    assert page.content.decode().count('aria-invalid="true"') == 2


def test_unmarking_a_domain_with_tips_is_refused_and_keeps_the_tips(fclient, case):
    tip = TipFactory(case=case)
    response = fclient.post(
        reverse("casework:save_domains", args=[case.pk]), {"domain": tip.domain_id}, **HTMX
    )
    assert (
        "still holds tips" in response.content.decode() or "nog tips" in response.content.decode()
    )
    assert DomainGoal.objects.filter(case=case, domain_id=tip.domain_id).exists()
    assert Tip.objects.filter(pk=tip.pk).exists()


def test_add_tip_twice_with_the_same_key_stores_one_tip(fclient, case):
    response, payload = post_tip(fclient, case)
    assert response.status_code == 200
    again = fclient.post(reverse("casework:add_tip", args=[case.pk]), payload, **HTMX)
    assert again.status_code == 200
    assert Tip.objects.filter(case=case).count() == 1
    assert "Wandelen met de hond" in again.content.decode()


def test_add_tip_returns_a_fresh_key_and_keeps_the_cell(fclient, case):
    response, payload = post_tip(fclient, case)
    html = response.content.decode()
    assert payload["key"] not in html
    assert 'name="key"' in html


def test_add_tip_with_empty_text_keeps_the_form_and_shows_an_error(fclient, case):
    response, _ = post_tip(fclient, case, text="  ", given_by="Bram")
    html = response.content.decode()
    assert Tip.objects.count() == 0
    assert 'class="error"' in html
    assert 'value="Bram"' in html


def test_add_tip_in_an_unmarked_domain_is_refused(fclient, case):
    other = Domain.objects.get(domain_set=case.meeting.network.matrix.domain_set, key="justitie")
    response, _ = post_tip(fclient, case, domain=other.pk)
    assert response.status_code == 200
    assert Tip.objects.count() == 0


def test_add_tip_with_an_organisation_of_the_network(fclient, case):
    organisation = OrganisationFactory(network=case.meeting.network, name="Formulierenbrigade")
    post_tip(fclient, case, organisation=organisation.pk)
    assert Tip.objects.get().organisation == organisation


def test_service_add_tip_is_idempotent(case):
    key = uuid.uuid4()
    goal = case.goals.first()
    column = columns(case)[1]
    first, created = add_tip(
        case=case, key=key, domain=goal.domain, column=column, text="Koffieochtend"
    )
    second, created_again = add_tip(
        case=case, key=key, domain=goal.domain, column=column, text="Koffieochtend"
    )
    assert created and not created_again
    assert first.pk == second.pk


def test_move_and_edit_a_tip(fclient, case):
    tip = TipFactory(case=case)
    target_goal = case.goals.exclude(domain=tip.domain).first()
    formal = columns(case)[-1]
    response = fclient.post(
        reverse("casework:edit_tip", args=[tip.pk]),
        {
            "text": "Budgetcoach",
            "domain": target_goal.domain_id,
            "column": formal.pk,
            "given_by": "Sanne",
        },
        **HTMX,
    )
    assert response.status_code == 200
    # The edit form targets the tip; the answer is the whole panel, so it says where it goes.
    assert response["HX-Retarget"] == "#panel" and response["HX-Reswap"] == "outerHTML"
    tip.refresh_from_db()
    assert (tip.text, tip.domain_id, tip.column_id) == (
        "Budgetcoach",
        target_goal.domain_id,
        formal.pk,
    )


def test_edit_with_empty_text_keeps_the_old_tip(fclient, case):
    tip = TipFactory(case=case, text="Origineel")
    response = fclient.post(
        reverse("casework:edit_tip", args=[tip.pk]),
        {"text": "", "domain": tip.domain_id, "column": tip.column_id},
        **HTMX,
    )
    assert response.status_code == 200
    tip.refresh_from_db()
    assert tip.text == "Origineel"


def test_delete_a_tip(fclient, case):
    tip = TipFactory(case=case)
    fclient.post(reverse("casework:delete_tip", args=[tip.pk]), **HTMX)
    assert not Tip.objects.filter(pk=tip.pk).exists()


def test_spotlight_moves_to_a_column(fclient, case):
    go_to_step(case=case, step=Step.TIPS)
    informal = columns(case)[1]
    fclient.post(reverse("casework:set_spotlight", args=[case.pk]), {"column": informal.pk}, **HTMX)
    case.refresh_from_db()
    assert case.spotlight == informal


def test_the_spotlight_starts_left_and_then_stays_as_the_facilitator_left_it(case):
    go_to_step(case=case, step=Step.TIPS)
    assert case.spotlight == columns(case)[0]
    TipFactory(case=case)
    set_spotlight(case=case, column=None)  # "all columns"
    go_to_step(case=case, step=Step.CLOSING)
    go_to_step(case=case, step=Step.TIPS)
    case.refresh_from_db()
    assert case.spotlight is None


def test_closing_chooses_a_tip_with_an_action(fclient, case):
    tip = TipFactory(case=case)
    prefix = f"c{tip.pk}"
    response = fclient.post(
        reverse("casework:choose_tip", args=[tip.pk]),
        {
            f"{prefix}-chosen": "on",
            f"{prefix}-action_who": "Ilse",
            f"{prefix}-action_what": "Belt de buurvrouw",
            f"{prefix}-action_when": "vrijdag",
        },
        **HTMX,
    )
    assert response.status_code == 200
    tip.refresh_from_db()
    assert tip.chosen and tip.action_who == "Ilse" and tip.action_when == "vrijdag"


def test_unticking_a_tip_in_the_closing_clears_the_clients_decision(fclient, case):
    tip = TipFactory(case=case, chosen=True, decision=Decision.ACCEPTED)
    fclient.post(
        reverse("casework:choose_tip", args=[tip.pk]), {f"c{tip.pk}-action_who": "Ilse"}, **HTMX
    )
    tip.refresh_from_db()
    assert not tip.chosen and tip.decision == Decision.PENDING


def test_follow_up_recorded_in_the_terugblik(fclient, case, earlier_tip):
    tip = earlier_tip
    go_to_step(case=case, step=Step.FOLLOW_UP)
    html = fclient.get(reverse("casework:console", args=[case.pk])).content.decode()
    assert tip.text in html
    prefix = f"tip{tip.pk}"
    fclient.post(
        reverse("casework:record_follow_up", args=[case.pk, tip.pk]),
        {
            f"{prefix}-key": str(uuid.uuid4()),
            f"{prefix}-tried": "yes",
            f"{prefix}-result": "not",
            f"{prefix}-why": "Te vroeg op de dag",
            f"{prefix}-reported_by": "Ilse",
        },
        **HTMX,
    )
    outcome = tip.outcomes.get()
    assert (outcome.tried, outcome.result, outcome.reported_in_id) == (True, "not", case.meeting_id)


def test_a_reported_follow_up_shows_its_reporter_and_the_clients_decision(
    efclient, case, earlier_tip
):
    earlier_tip.decision = Decision.ACCEPTED
    earlier_tip.save()
    record_outcome(
        tip=earlier_tip, tried=True, result="worked", reported_in=case.meeting, reported_by="Ilse"
    )
    go_to_step(case=case, step=Step.FOLLOW_UP)
    html = efclient.get(reverse("casework:console", args=[case.pk])).content.decode()
    assert "reported by Ilse" in html
    assert "client's decision: client wants to try it" in html


def test_a_reported_follow_up_is_corrected_from_the_console(efclient, case, earlier_tip):
    outcome = record_outcome(
        tip=earlier_tip, tried=True, result="worked", reported_in=case.meeting, reported_by="Ilse"
    )
    go_to_step(case=case, step=Step.FOLLOW_UP)
    url = reverse("casework:correct_follow_up", args=[case.pk, outcome.pk])
    form = efclient.get(url, **HTMX).content.decode()
    assert 'value="Ilse"' in form and 'value="worked" selected' in form
    before = Meeting.objects.values_list("version", flat=True).get(pk=case.meeting_id)

    prefix = f"outcome{outcome.pk}"
    response = efclient.post(
        url,
        {
            f"{prefix}-tried": "yes",
            f"{prefix}-result": "partly",
            f"{prefix}-why": "Alleen op dinsdag",
            f"{prefix}-reported_by": "Ilse de Boer",
        },
        **HTMX,
    )

    assert "Follow-up corrected." in response.content.decode()
    outcome.refresh_from_db()
    assert (outcome.result, outcome.why, outcome.reported_by) == (
        "partly",
        "Alleen op dinsdag",
        "Ilse de Boer",
    )
    assert earlier_tip.outcomes.count() == 1  # corrected, not a second follow-up
    assert Meeting.objects.values_list("version", flat=True).get(pk=case.meeting_id) > before


def test_a_correction_without_a_result_is_refused_and_keeps_the_text(efclient, case, earlier_tip):
    outcome = record_outcome(tip=earlier_tip, tried=False, reported_in=case.meeting)
    go_to_step(case=case, step=Step.FOLLOW_UP)
    prefix = f"outcome{outcome.pk}"
    response = efclient.post(
        reverse("casework:correct_follow_up", args=[case.pk, outcome.pk]),
        {f"{prefix}-tried": "yes", f"{prefix}-why": "Toch geprobeerd"},
        **HTMX,
    )
    html = response.content.decode()
    assert "Say whether it worked" in html and "Toch geprobeerd" in html
    outcome.refresh_from_db()
    assert not outcome.tried


def test_only_follow_ups_reported_in_this_meeting_are_corrected_here(fclient, case, earlier_tip):
    elsewhere = record_outcome(tip=earlier_tip, tried=False)  # in the review, no meeting
    url = reverse("casework:correct_follow_up", args=[case.pk, elsewhere.pk])
    assert fclient.get(url).status_code == 404


def test_the_beamers_terugblik_is_not_headed_by_todays_client(client, case_bringer, case):
    go_to_step(case=case, step=Step.FOLLOW_UP)
    client.force_login(case_bringer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("casework:beamer", args=[case.meeting_id])).content.decode()
    assert f"Case “{case.client}”" not in html
    assert "<h1>Follow-up of earlier tips</h1>" in html


def test_a_follow_up_sent_twice_is_stored_once(fclient, case, earlier_tip):
    go_to_step(case=case, step=Step.FOLLOW_UP)
    url = reverse("casework:record_follow_up", args=[case.pk, earlier_tip.pk])
    prefix = f"tip{earlier_tip.pk}"
    data = {
        f"{prefix}-key": str(uuid.uuid4()),
        f"{prefix}-tried": "no",
        f"{prefix}-why": "Geen tijd",
    }
    first, again = fclient.post(url, data, **HTMX), fclient.post(url, data, **HTMX)
    assert first.status_code == again.status_code == 200
    assert earlier_tip.outcomes.count() == 1


def test_a_tip_of_this_meeting_gets_no_follow_up_in_its_own_terugblik(fclient, case):
    tip = TipFactory(case=case, chosen=True)
    fclient.post(
        reverse("casework:record_follow_up", args=[case.pk, tip.pk]),
        {f"tip{tip.pk}-key": str(uuid.uuid4()), f"tip{tip.pk}-tried": "no"},
        **HTMX,
    )
    assert not tip.outcomes.exists()


def test_an_outcome_recorded_in_the_review_renews_later_meetings(case, earlier_tip):
    """The live meeting's beamer lists the tip under "still to report" until it is renewed."""
    before = Meeting.objects.get(pk=case.meeting_id).version
    record_outcome(tip=earlier_tip, tried=True, result="worked")
    assert Meeting.objects.get(pk=case.meeting_id).version > before


def test_follow_up_tried_without_result_keeps_the_why(fclient, case, earlier_tip):
    tip = earlier_tip
    go_to_step(case=case, step=Step.FOLLOW_UP)
    prefix = f"tip{tip.pk}"
    response = fclient.post(
        reverse("casework:record_follow_up", args=[case.pk, tip.pk]),
        {
            f"{prefix}-key": str(uuid.uuid4()),
            f"{prefix}-tried": "yes",
            f"{prefix}-why": "Nog even afwachten",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert "Nog even afwachten" in html
    assert not tip.outcomes.exists()


def test_evaluation_is_saved(fclient, case):
    fclient.post(
        reverse("casework:save_evaluation", args=[case.pk]),
        {"rating": "4", "remark": "Goed tempo"},
        **HTMX,
    )
    case.refresh_from_db()
    assert (case.rating, case.rating_remark) == (4, "Goed tempo")


def test_a_member_who_is_not_a_lead_cannot_drive_the_console(client, case):
    member = MembershipFactory(network=case.meeting.network, role=Role.MEMBER).user
    client.force_login(member)
    assert client.get(reverse("casework:console", args=[case.pk])).status_code == 403
    response = client.post(reverse("casework:change_step", args=[case.pk]), {"step": "tips"})
    assert response.status_code == 403


def test_plain_post_without_htmx_redirects_back_to_the_console(fclient, case):
    response = fclient.post(reverse("casework:change_step", args=[case.pk]), {"step": "opening"})
    assert response.status_code == 302
    assert response.url == reverse("casework:console", args=[case.pk])


def test_invalid_follow_up_outside_the_terugblik_step_is_answered_not_crashed(
    fclient, case, earlier_tip
):
    tip = earlier_tip
    go_to_step(case=case, step=Step.TIPS)
    response = fclient.post(
        reverse("casework:record_follow_up", args=[case.pk, tip.pk]),
        {f"tip{tip.pk}-key": str(uuid.uuid4()), f"tip{tip.pk}-tried": "yes"},
        **HTMX,
    )
    assert response.status_code == 200
    assert not tip.outcomes.exists()


def test_a_presentation_field_too_long_is_refused_and_the_saved_text_kept(
    client, facilitator, case
):
    from sessions.models import PRESENTATION_MAX

    go_to_step(case=case, step=Step.PRESENTATION)
    save_presentation(case=case, strengths="Zorgzaam")
    client.force_login(facilitator)
    response = client.post(
        reverse("casework:save_presentation", args=[case.pk]),
        {"strengths": "x" * (PRESENTATION_MAX + 1)},
        **HTMX,
    )
    assert response.status_code == 422
    assert "4000" in response.content.decode()  # Django's own Dutch message names the limit
    case.refresh_from_db()
    assert case.strengths == "Zorgzaam"
    html = client.get(reverse("casework:console", args=[case.pk])).content.decode()
    assert html.count(f'maxlength="{PRESENTATION_MAX}"') == 5  # the browser stops there too


def test_presentation_text_that_looks_identifying_asks_before_it_is_saved(efclient, case):
    url = reverse("casework:save_presentation", args=[case.pk])
    text = "Dochter Els, bereikbaar op 06-12345678"
    response = efclient.post(url, {"social_network": text}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 422  # the console keeps the text on the device
    assert "This looks like a phone number (06-12345678)" in html
    assert 'hx-vals=\'{"save_anyway": "on"}\'' in html and 'hx-include="#id_social_network"' in html
    case.refresh_from_db()
    assert case.social_network == ""

    saved = efclient.post(url, {"social_network": text, "save_anyway": "on"}, **HTMX)
    assert saved.status_code == 200 and "Saved at" in saved.content.decode()
    case.refresh_from_db()
    assert case.social_network == text
    # Editing it later does not ask again about what was saved knowingly...
    again = efclient.post(url, {"social_network": f"{text}, elke dag"}, **HTMX)
    assert again.status_code == 200
    # ...but something new that looks identifying does.
    new = efclient.post(url, {"social_network": f"{text}; els@example.nl"}, **HTMX)
    assert new.status_code == 422 and "e-mail address" in new.content.decode()


def test_evaluation_step_leads_to_the_next_case_of_the_meeting(fclient, case):
    second = CaseDiscussionFactory(meeting=case.meeting, order=case.order + 1)
    go_to_step(case=case, step=Step.EVALUATION)
    html = fclient.get(reverse("casework:console", args=[case.pk])).content.decode()
    assert reverse("casework:console", args=[second.pk]) in html
    go_to_step(case=second, step=Step.EVALUATION)
    html = fclient.get(reverse("casework:console", args=[second.pk])).content.decode()
    assert reverse("casework:console", args=[case.pk]) not in html


def test_two_tips_that_say_the_same_are_merged_naming_every_giver(efclient, case):
    go_to_step(case=case, step=Step.TIPS)
    keep = TipFactory(case=case, text="Koffieochtend in de Kolk", given_by="Anna")
    same = TipFactory(
        case=case, text="Koffie drinken in buurthuis De Kolk", given_by="Bob, Voedselbank"
    )
    form = efclient.get(reverse("casework:edit_tip", args=[same.pk]), **HTMX).content.decode()
    assert f'<option value="{keep.pk}">Koffieochtend in de Kolk</option>' in form
    before = Meeting.objects.values_list("version", flat=True).get(pk=case.meeting_id)

    response = efclient.post(
        reverse("casework:merge_tip", args=[same.pk]), {"into": keep.pk}, **HTMX
    )

    assert "Tips merged: Anna, Bob, Voedselbank." in response.content.decode()
    assert not Tip.objects.filter(pk=same.pk).exists()
    keep.refresh_from_db()
    assert (keep.text, keep.given_by) == ("Koffieochtend in de Kolk", "Anna, Bob, Voedselbank")
    assert Meeting.objects.values_list("version", flat=True).get(pk=case.meeting_id) > before


def test_a_tip_with_a_follow_up_is_not_merged_away(efclient, case):
    keep = TipFactory(case=case, text="Koffie")
    tried = TipFactory(case=case, text="Koffie ook", chosen=True)
    record_outcome(tip=tried, tried=False)
    response = efclient.post(
        reverse("casework:merge_tip", args=[tried.pk]), {"into": keep.pk}, **HTMX
    )
    assert "This tip has a follow-up" in response.content.decode()
    assert Tip.objects.filter(pk=tried.pk).exists()


def test_a_tip_is_merged_only_into_a_tip_of_its_own_case(efclient, case, zuid):
    other_case = CaseDiscussionFactory(meeting__network=case.meeting.network)
    mark(other_case, "financien")
    elsewhere = TipFactory(case=other_case)
    tip = TipFactory(case=case)
    response = efclient.post(reverse("casework:merge_tip", args=[tip.pk]), {"into": elsewhere.pk})
    assert response.status_code == 404
    assert Tip.objects.filter(pk=tip.pk).exists()
