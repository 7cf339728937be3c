"""Bad input on the live session's endpoints: a clear message, nothing saved lost, no 500."""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from matrices.models import Domain
from sessions.models import DomainGoal, Meeting, Step, Tip, TipOutcome
from sessions.services.follow_up import record_outcome
from sessions.services.live import go_to_step
from tests.clients import HTMX, english_client
from tests.factories import OrganisationFactory, TipFactory
from tests.sessions.test_beamer import poll_url


@pytest.fixture
def eclient(facilitator):
    return english_client(facilitator)


def tip_payload(case, **changes):
    goal = case.goals.order_by("domain__order").first()
    column = case.meeting.network.matrix.columns.order_by("order").first()
    return {
        "key": str(uuid.uuid4()),
        "text": "Wandelen met de hond van de buurvrouw",
        "domain": goal.domain_id,
        "column": column.pk,
        "given_by": "Anouk",
        **changes,
    }


# Ids that are not ids ----------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    "name, field", [("casework:save_domains", "domain"), ("casework:set_spotlight", "column")]
)
def test_a_posted_id_that_is_not_a_number_is_not_found(eclient, case, htmx, name, field):
    extra = HTMX if htmx else {}
    for junk in ("abc", "²", "9" * 40):
        response = eclient.post(reverse(name, args=[case.pk]), {field: junk}, **extra)
        assert response.status_code == 404


@pytest.mark.parametrize("seen", ["²", "9" * 5000, "-1", " 7"])
def test_a_beamer_poll_with_a_strange_version_gets_the_content(client, case_bringer, case, seen):
    go_to_step(case=case, step=Step.TIPS)
    client.force_login(case_bringer)
    beamer = client.get(reverse("casework:beamer", args=[case.meeting_id])).content.decode()
    poll_pass = parse_qs(urlsplit(poll_url(beamer)).query)["pass"][0]
    url = reverse("casework:beamer_poll", args=[case.meeting_id])
    assert client.get(url, {"pass": poll_pass, "v": "0"}, **HTMX).status_code == 200
    version = Meeting.objects.get(pk=case.meeting_id).version
    assert client.get(url, {"pass": poll_pass, "v": version}, **HTMX).status_code == 204
    response = client.get(url, {"pass": poll_pass, "v": seen}, **HTMX)
    assert response.status_code == 200
    assert str(case.client) in response.content.decode()
    # Without a login the same poll is told to log in, not answered with an error.
    assert Client().get(url, {"pass": poll_pass, "v": seen}).status_code == 401


# The new-tip form ----------------------------------------------------------------------------


def test_a_tip_with_an_organisation_of_another_network_says_so(eclient, case, zuid):
    theirs = OrganisationFactory(network=zuid, name="Buurthuis Zuid")
    ours = OrganisationFactory(network=case.meeting.network, name="Buurthuis Noord")
    response = eclient.post(
        reverse("casework:add_tip", args=[case.pk]),
        tip_payload(case, organisation=theirs.pk),
        **HTMX,
    )
    html = response.content.decode()
    assert "The tip was not added." in html
    assert "Pick an organisation of this network." in html
    assert "Wandelen met de hond van de buurvrouw" in html
    # The form drawn again lists the network's organisations (and only those).
    assert f'<option value="{ours.pk}">Buurthuis Noord</option>' in html
    assert "Buurthuis Zuid" not in html
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("column", "theirs", "Pick a column of the placemat."),
        ("column", "abc", "Pick a column of the placemat."),
        ("domain", "unmarked", "Pick a marked domain."),
        ("domain", "-3", "Pick a marked domain."),
        ("domain", "", "Pick a domain."),
        ("organisation", "x1", "Pick an organisation of this network."),
    ],
)
def test_a_tip_for_a_cell_not_on_the_placemat_says_which_field(
    eclient, case, zuid, field, value, message
):
    """The cell comes as ids; the service checks them with the write and says which one is
    wrong, next to its field, as the form would."""
    if value == "theirs":
        value = zuid.matrix.columns.order_by("order").first().pk
    if value == "unmarked":
        marked = case.goals.values_list("domain_id", flat=True)
        domains = Domain.objects.filter(domain_set=case.meeting.network.matrix.domain_set)
        value = domains.exclude(pk__in=marked).first().pk
    response = eclient.post(
        reverse("casework:add_tip", args=[case.pk]), tip_payload(case, **{field: value}), **HTMX
    )
    html = response.content.decode()
    assert "The tip was not added." in html and message in html
    assert "Wandelen met de hond van de buurvrouw" in html
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    "field, message",
    [("column", "Pick a column of the placemat."), ("domain", "Pick a marked domain.")],
)
def test_a_phone_tip_for_a_cell_not_on_the_placemat_says_so(case, zuid, field, message):
    from tests.guests import PHONE, join_as

    go_to_step(case=case, step=Step.TIPS)
    phone = join_as(case.meeting)
    elsewhere = {
        "column": zuid.matrix.columns.order_by("order").first().pk,
        "domain": Domain.objects.exclude(pk__in=case.goals.values("domain_id")).first().pk,
    }
    payload = {**tip_payload(case, **{field: elsewhere[field]}), "case": case.pk}
    response = phone.post(
        reverse("casework:phone_add_tip", args=[case.meeting_id]), payload, **PHONE
    )
    assert response.status_code == 422 and response.content.decode() == message
    assert not Tip.objects.exists()


def test_a_tip_with_a_giver_name_too_long_says_so(eclient, case):
    response = eclient.post(
        reverse("casework:add_tip", args=[case.pk]), tip_payload(case, given_by="x" * 101), **HTMX
    )
    html = response.content.decode()
    assert "at most 100 characters" in html
    assert 'aria-invalid="true" aria-describedby="id_given_by_error"' in html
    assert not Tip.objects.exists()


@pytest.mark.parametrize("key", ["nope", ""])
def test_a_tip_form_with_a_broken_key_says_so_and_works_when_sent_again(eclient, case, key):
    url = reverse("casework:add_tip", args=[case.pk])
    response = eclient.post(url, tip_payload(case, key=key), **HTMX)
    html = response.content.decode()
    assert "This form is out of date. Send it again." in html
    assert not Tip.objects.exists()
    fresh = html.split('name="key" id="id_key" value="', 1)[1].split('"', 1)[0]
    assert str(uuid.UUID(fresh))  # a real key, not what was sent
    eclient.post(url, tip_payload(case, key=fresh), **HTMX)
    assert Tip.objects.filter(key=fresh).exists()


# Editing a tip, closing, domains, terugblik ------------------------------------------------------


def test_moving_a_tip_to_an_unmarked_domain_says_so_and_keeps_the_tip(eclient, case):
    tip = TipFactory(case=case, text="Koffieochtend")
    unmarked = Domain.objects.get(domain_set=case.meeting.network.matrix.domain_set, key="justitie")
    response = eclient.post(
        reverse("casework:edit_tip", args=[tip.pk]),
        {"text": "Koffieochtend", "domain": unmarked.pk, "column": tip.column_id},
        **HTMX,
    )
    assert "Pick a marked domain." in response.content.decode()
    tip.refresh_from_db()
    assert tip.domain_id != unmarked.pk


def test_a_closing_action_too_long_shows_the_message_and_what_was_typed(eclient, case):
    tip = TipFactory(case=case, action_who="Ilse")
    prefix = f"c{tip.pk}"
    response = eclient.post(
        reverse("casework:choose_tip", args=[tip.pk]),
        {
            f"{prefix}-chosen": "on",
            f"{prefix}-action_who": "Kees en Ilse",
            f"{prefix}-action_what": "w" * 301,
        },
        **HTMX,
    )
    html = response.content.decode()
    assert "Not saved:" in html and "What:" in html and "at most 300 characters" in html
    assert 'value="Kees en Ilse"' in html
    tip.refresh_from_db()
    assert tip.action_who == "Ilse" and not tip.chosen


def test_a_goal_typed_in_an_unticked_domain_is_not_said_to_be_saved(eclient, case):
    domain = Domain.objects.get(domain_set=case.meeting.network.matrix.domain_set, key="justitie")
    response = eclient.post(
        reverse("casework:save_domains", args=[case.pk]),
        {"domain": domain.pk, f"d{domain.pk}-goal": "Alleen tekst"},
        **HTMX,
    )
    html = response.content.decode()
    assert "Tick the domain to save its goal and levels." in html
    assert 'value="Alleen tekst"' in html
    assert "Saved" not in html
    assert not DomainGoal.objects.filter(case=case, domain=domain).exists()


def test_unticking_a_marked_domain_with_its_goal_still_typed_unmarks_it(eclient, case):
    goal = case.goals.first()
    goal.goal = "Rondkomen"
    goal.save()
    prefix = f"d{goal.domain_id}"
    eclient.post(
        reverse("casework:save_domains", args=[case.pk]),
        {"domain": goal.domain_id, f"{prefix}-goal": "Rondkomen"},
        **HTMX,
    )
    assert not DomainGoal.objects.filter(pk=goal.pk).exists()


def test_a_terugblik_reporter_name_too_long_says_so(eclient, case, earlier_tip):
    go_to_step(case=case, step=Step.FOLLOW_UP)
    prefix = f"tip{earlier_tip.pk}"
    response = eclient.post(
        reverse("casework:record_follow_up", args=[case.pk, earlier_tip.pk]),
        {
            f"{prefix}-key": str(uuid.uuid4()),
            f"{prefix}-tried": "no",
            f"{prefix}-why": "Geen tijd gehad",
            f"{prefix}-reported_by": "r" * 101,
        },
        **HTMX,
    )
    html = response.content.decode()
    assert "at most 100 characters" in html
    assert "Geen tijd gehad</textarea>" in html
    assert not TipOutcome.objects.exists()


# Without JavaScript: a refused plain form post shows the console with the message ----------


def test_a_refused_plain_tip_post_shows_the_console_with_the_message_and_the_text(eclient, case):
    unmarked = Domain.objects.get(domain_set=case.meeting.network.matrix.domain_set, key="justitie")
    go_to_step(case=case, step=Step.TIPS)
    response = eclient.post(
        reverse("casework:add_tip", args=[case.pk]), tip_payload(case, domain=unmarked.pk)
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "<html" in html and "Pick a marked domain." in html
    assert 'value="Wandelen met de hond van de buurvrouw"' in html
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("casework:change_step", {"step": "nope"}, "Unknown step."),
        ("casework:save_evaluation", {"rating": "6"}, "Select a valid choice"),
        ("casework:save_presentation", {"situation": "s" * 4001}, "at most 4000 characters"),
    ],
)
def test_other_refused_plain_posts_show_the_console_with_the_message(
    eclient, case, name, data, message
):
    step = {
        "casework:save_evaluation": Step.EVALUATION,
        "casework:save_presentation": Step.PRESENTATION,
    }
    go_to_step(case=case, step=step.get(name, Step.OPENING))
    response = eclient.post(reverse(name, args=[case.pk]), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html and message in html


def test_a_refused_plain_post_of_a_domain_row_keeps_the_goal_typed(eclient, case):
    domain = Domain.objects.get(domain_set=case.meeting.network.matrix.domain_set, key="justitie")
    go_to_step(case=case, step=Step.DOMAINS)
    response = eclient.post(
        reverse("casework:save_domains", args=[case.pk]),
        {"domain": domain.pk, f"d{domain.pk}-goal": "Mijn getypte doel"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Tick the domain to save its goal and levels." in html
    assert 'value="Mijn getypte doel"' in html
    assert html.count('class="domain-row"') == domain.domain_set.domains.count()


def test_refused_plain_posts_of_a_domain_row_and_a_closing_row_say_what_was_wrong(eclient, case):
    goal = case.goals.first()
    prefix = f"d{goal.domain_id}"
    response = eclient.post(
        reverse("casework:save_domains", args=[case.pk]),
        {"domain": goal.domain_id, f"{prefix}-marked": "on", f"{prefix}-goal": "g" * 301},
    )
    assert response.status_code == 422
    assert "at most 300 characters" in response.content.decode()
    tip = TipFactory(case=case)
    response = eclient.post(
        reverse("casework:choose_tip", args=[tip.pk]), {f"c{tip.pk}-action_who": "w" * 101}
    )
    assert response.status_code == 422
    assert "Who: Ensure this value has at most 100 characters" in response.content.decode()


def test_a_tip_with_a_follow_up_is_not_deleted(eclient, case):
    tip = TipFactory(case=case, chosen=True, text="Wandelgroep")
    record_outcome(tip=tip, tried=False, why="Te vroeg op de dag")
    response = eclient.post(reverse("casework:delete_tip", args=[tip.pk]), **HTMX)
    assert "This tip has a follow-up: it stays" in response.content.decode()
    assert Tip.objects.filter(pk=tip.pk).exists()
    assert TipOutcome.objects.get().why == "Te vroeg op de dag"
