"""Every free-text field asks before it saves text that looks like it identifies someone.

For each field: the text is refused with a message that says what was found and nothing is
stored; the same text sent with "save anyway" is stored. Text that only looks like numbers
(an IP address, an amount, a time, a ZRM level) is stored without a question.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse

from sessions.models import DomainGoal, Meeting, Step, Tip, TipOutcome
from sessions.services.follow_up import record_outcome
from sessions.services.live import go_to_step
from tests.clients import HTMX, english_client
from tests.factories import CaseDiscussionFactory, MeetingFactory, TipFactory, mark

IDENTIFYING = [
    ("Bel haar op 06-12345678", "a phone number"),
    ("bsn 123456782", "a BSN"),
    ("mail naar jan@example.nl", "an e-mail address"),
    ("woont Dorpsstraat 12", "an address"),
    ("postcode 1234 AB", "a postcode"),
    ("geb. 12-03-1945", "a date of birth"),
]
HARMLESS = ["server 169.254.169.254", "€ 1.250,00 per maand", "om 14:30 koffie", "van 2 naar 4"]


@dataclass
class Field:
    """How to post one free-text field, and where the text lands when it is saved."""

    send: Callable  # (client, objects, text, extra) -> response
    stored: Callable  # (objects) -> the text as stored, or None


@pytest.fixture
def objects(case, case_bringer):
    go_to_step(case=case, step=Step.TIPS)
    tip = TipFactory(case=case, text="Wandelen")
    earlier = CaseDiscussionFactory(
        meeting=MeetingFactory(
            network=case.meeting.network, starts_at=case.meeting.starts_at - timedelta(days=28)
        ),
        case_bringer=case_bringer,
    )
    mark(earlier, "financien")
    awaiting = TipFactory(case=earlier, chosen=True, text="Formulierenbrigade")
    reported = record_outcome(
        tip=TipFactory(case=earlier, chosen=True), tried=False, reported_in=case.meeting
    )
    return {"case": case, "tip": tip, "awaiting": awaiting, "reported": reported}


def post(client, name, args, data):
    return client.post(reverse(f"casework:{name}", args=args), data, **HTMX)


def new_tip(client, o, text, extra, field="text"):
    case = o["case"]
    data = {
        "key": str(uuid.uuid4()),
        "text": "Een tip",
        "domain": case.goals.first().domain_id,
        "column": case.meeting.network.matrix.columns.first().pk,
        field: text,
        **extra,
    }
    return post(client, "add_tip", [case.pk], data)


def edit_tip(client, o, text, extra):
    tip = o["tip"]
    data = {"text": text, "domain": tip.domain_id, "column": tip.column_id, **extra}
    return post(client, "edit_tip", [tip.pk], data)


def choose(client, o, text, extra, field="action_what"):
    tip = o["tip"]
    data = {f"c{tip.pk}-chosen": "on", f"c{tip.pk}-{field}": text}
    data |= {f"c{tip.pk}-{k}": v for k, v in extra.items()}
    return post(client, "choose_tip", [tip.pk], data)


def goal(client, o, text, extra):
    case = o["case"]
    domain = case.goals.first().domain
    p = f"d{domain.pk}-"
    data = {"domain": domain.pk, p + "marked": "on", p + "goal": text}
    data |= {p + k: v for k, v in extra.items()}
    return post(client, "save_domains", [case.pk], data)


def follow_up(client, o, text, extra, field="why"):
    tip, case = o["awaiting"], o["case"]
    go_to_step(case=case, step=Step.FOLLOW_UP)
    p = f"tip{tip.pk}-"
    data = {p + "key": str(uuid.uuid4()), p + "tried": "no", p + field: text}
    data |= {p + k: v for k, v in extra.items()}
    return post(client, "record_follow_up", [case.pk, tip.pk], data)


def correction(client, o, text, extra):
    outcome, case = o["reported"], o["case"]
    go_to_step(case=case, step=Step.FOLLOW_UP)
    p = f"outcome{outcome.pk}-"
    data = {p + "tried": "no", p + "why": text} | {p + k: v for k, v in extra.items()}
    return post(client, "correct_follow_up", [case.pk, outcome.pk], data)


def evaluation(client, o, text, extra):
    go_to_step(case=o["case"], step=Step.EVALUATION)
    return post(client, "save_evaluation", [o["case"].pk], {"remark": text, **extra})


def review_action(client, o, text, extra):
    tip = o["tip"]
    p = f"tip{tip.pk}-"
    data = {p + "chosen": "on", p + "action_who": text} | {p + k: v for k, v in extra.items()}
    return post(client, "review_tip", [tip.pk], data)


def review_outcome(client, o, text, extra):
    tip = o["tip"]
    tip.chosen = True
    tip.save()
    p = f"tip{tip.pk}-outcome-"
    data = {p + "key": str(uuid.uuid4()), p + "tried": "no", p + "why": text}
    data |= {p + k: v for k, v in extra.items()}
    return post(client, "review_outcome", [tip.pk], data)


def meeting_place(client, o, text, extra):
    network = o["case"].meeting.network
    data = {"network": network.pk, "starts_at": "2031-03-14T14:00", "place": text, **extra}
    return client.post(reverse("casework:meeting_create"), data)


def last_tip_text(o):
    return Tip.objects.exclude(pk=o["tip"].pk).values_list("text", flat=True).last()


FIELDS = {
    "tip text": Field(new_tip, last_tip_text),
    "tip giver": Field(
        lambda c, o, t, e: new_tip(c, o, t, e, field="given_by"),
        lambda o: Tip.objects.exclude(pk=o["tip"].pk).values_list("given_by", flat=True).last(),
    ),
    "tip edited": Field(edit_tip, lambda o: Tip.objects.get(pk=o["tip"].pk).text),
    "action what": Field(choose, lambda o: Tip.objects.get(pk=o["tip"].pk).action_what),
    "action when": Field(
        lambda c, o, t, e: choose(c, o, t, e, field="action_when"),
        lambda o: Tip.objects.get(pk=o["tip"].pk).action_when,
    ),
    "goal": Field(goal, lambda o: DomainGoal.objects.filter(case=o["case"]).first().goal),
    "follow-up why": Field(
        follow_up,
        lambda o: (
            TipOutcome.objects.filter(tip=o["awaiting"]).values_list("why", flat=True).first()
        ),
    ),
    "follow-up reporter": Field(
        lambda c, o, t, e: follow_up(c, o, t, e, field="reported_by"),
        lambda o: (
            TipOutcome.objects.filter(tip=o["awaiting"])
            .values_list("reported_by", flat=True)
            .first()
        ),
    ),
    "follow-up corrected": Field(
        correction, lambda o: TipOutcome.objects.get(pk=o["reported"].pk).why
    ),
    "evaluation remark": Field(
        evaluation, lambda o: type(o["case"]).objects.get(pk=o["case"].pk).rating_remark
    ),
    "review action": Field(review_action, lambda o: Tip.objects.get(pk=o["tip"].pk).action_who),
    "review follow-up": Field(
        review_outcome,
        lambda o: TipOutcome.objects.filter(tip=o["tip"]).values_list("why", flat=True).first(),
    ),
    "meeting place": Field(
        meeting_place,
        lambda o: (
            Meeting.objects.filter(starts_at__year=2031).values_list("place", flat=True).first()
        ),
    ),
}


@pytest.fixture
def lead(coordinator):
    return english_client(coordinator)


@pytest.mark.parametrize("text, what", IDENTIFYING)
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_identifying_text_is_refused_until_saved_anyway(lead, objects, field, text, what):
    spec = FIELDS[field]
    before = spec.stored(objects)

    refused = spec.send(lead, objects, text, {})

    html = refused.content.decode()
    assert f"This looks like {what}" in html, html[:3000]
    assert "Save anyway: it is not about the client" in html
    assert spec.stored(objects) == before  # nothing stored
    assert text.split()[-1] in html  # what was typed is still there

    spec.send(lead, objects, text, {"save_anyway": "on"})
    assert spec.stored(objects) == text


@pytest.mark.parametrize("text", HARMLESS)
@pytest.mark.parametrize("field", ["tip text", "goal", "follow-up why", "meeting place"])
def test_numbers_that_identify_nobody_are_saved_without_a_question(lead, objects, field, text):
    spec = FIELDS[field]
    response = spec.send(lead, objects, text, {})
    assert "This looks like" not in response.content.decode()
    assert spec.stored(objects) == text


@pytest.mark.parametrize(
    "bsn, identifies", [("123456782", True), ("111222333", True), ("123456789", False)]
)
def test_a_bsn_is_recognised_by_its_eleven_test(lead, objects, bsn, identifies):
    response = new_tip(lead, objects, f"nummer {bsn}", {})
    assert ("This looks like a BSN" in response.content.decode()) is identifies


def test_a_pseudonym_that_looks_like_an_address_is_refused(lead, case):
    response = lead.post(
        reverse("casework:case_create", args=[case.meeting_id]),
        {"pseudonym": "Dorpsstraat 12, 1234 AB Amsterdam", "case_bringer": case.case_bringer_id},
    )
    assert response.status_code == 200
    assert not type(case.client).objects.filter(pseudonym__icontains="Dorpsstraat").exists()


def test_a_ten_digit_pseudonym_is_refused_with_the_reason(lead, case):
    response = lead.post(
        reverse("casework:case_create", args=[case.meeting_id]),
        {"pseudonym": "1234567890", "case_bringer": case.case_bringer_id},
    )
    assert "number" in response.content.decode()
    assert not type(case.client).objects.filter(pseudonym="1234567890").exists()


def test_right_to_left_overrides_and_zero_width_characters_are_removed(lead, objects):
    new_tip(lead, objects, "Wandelen \u202emet de hond\u200b naar het park", {})
    assert last_tip_text(objects) == "Wandelen met de hond naar het park"
    new_tip(lead, objects, "Gezin 👨\u200d👩\u200d👧 samen eten", {})
    assert last_tip_text(objects) == "Gezin 👨\u200d👩\u200d👧 samen eten"  # emoji joiners stay


def test_the_save_anyway_box_shows_only_after_a_warning(lead, objects):
    html = lead.get(reverse("casework:review", args=[objects["case"].pk])).content.decode()
    assert "save_anyway" not in html
