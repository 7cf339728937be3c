"""The case review: after the meeting the case-bringer goes through the tips for their client.

Per marked domain the tips stand left to right (own strength → informal → formal). On each
tip's card the case-bringer (or a lead) takes it to the client with an action (who, what,
when), records what the client decided and later what came of it. Outcomes recorded here
take the tip off the next meeting's terugblik; outcomes reported in a terugblik show here.

Every member of the network may look; only the case-bringer and the leads may change.
An HTMX post answers with the tip's card alone (and an event that refreshes the summary);
a plain post redirects back to the card.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from akad.http import HtmxHttpRequest
from networks import access
from networks.access import viewer_for

from ..forms.follow_up import OutcomeForm
from ..forms.inputs import inputs
from ..forms.tips import ChooseForm, DecisionForm
from ..models import CaseDiscussion, Decision, Result, Tip
from ..selectors.objects import case_for, tip_for
from ..selectors.placemat import RECORD, placemat
from ..services import follow_up, tips

REVIEW = "sessions/review.html"
CHANGED_EVENT = "review-changed"


@dataclass
class Card:
    """One tip and the inputs its card writes out (sessions/forms/inputs.py).

    A post hands in its bound forms (what was typed, and the errors); every other card takes
    its inputs from the tip without building a form. Members who may only look get no inputs
    (the template does not ask), and the follow-up inputs only a chosen tip, which shows them.
    """

    tip: Tip
    user: object = None
    posted_choose_form: ChooseForm | None = None
    posted_decision_form: DecisionForm | None = None
    posted_outcome_form: OutcomeForm | None = None
    saved: str = ""  # "tip" or "outcome" right after a successful save

    @cached_property
    def inputs(self) -> dict:
        """The tick, the agreement (who, what, when) and the client's decision."""
        tip = self.tip
        choose = {
            "chosen": tip.chosen,
            "action_who": tip.action_who,
            "action_what": tip.action_what,
            "action_when": tip.action_when,
        }
        return {
            **inputs(ChooseForm, prefix(tip), choose, self.posted_choose_form),
            **inputs(
                DecisionForm, prefix(tip), {"decision": tip.decision}, self.posted_decision_form
            ),
        }

    @property
    def choose_failed(self) -> bool:
        return any(form is not None and form.errors for form in self._posted_choice)

    @property
    def choose_non_field_errors(self) -> list:
        return [form.non_field_errors() for form in self._posted_choice if form is not None]

    @property
    def _posted_choice(self) -> tuple:
        return (self.posted_choose_form, self.posted_decision_form)

    @cached_property
    def outcome_inputs(self) -> dict:
        """What came of it; a fresh key for a form that was not posted (KeyedForm)."""
        initial = {"key": uuid.uuid4(), "reported_by": str(self.user)}
        prefix_ = f"{prefix(self.tip)}-outcome"
        return inputs(OutcomeForm, prefix_, initial, self.posted_outcome_form)

    @property
    def outcome_failed(self) -> bool:
        """A follow-up was posted and refused: its form shows, whatever the tip."""
        return self.posted_outcome_form is not None and bool(self.posted_outcome_form.errors)

    @property
    def outcome_non_field_errors(self) -> list:
        form = self.posted_outcome_form
        return [form.non_field_errors(), form["key"].errors] if form is not None else []

    @property
    def outcomes(self) -> list:
        return list(self.tip.outcomes.all())


@dataclass
class Summary:
    total: int = 0
    chosen: int = 0
    accepted: int = 0
    with_outcome: int = 0
    worked: int = 0
    partly: int = 0
    not_worked: int = 0
    not_tried: int = 0


def prefix(tip: Tip) -> str:
    return f"tip{tip.pk}"


def summarise(tips: list[Tip]) -> Summary:
    """Counts for the top of the page; the latest follow-up of a tip counts."""
    summary = Summary(total=len(tips))
    for tip in tips:
        summary.chosen += tip.chosen
        summary.accepted += tip.chosen and tip.decision == Decision.ACCEPTED
        outcomes = list(tip.outcomes.all())
        if not outcomes:
            continue
        summary.with_outcome += 1
        latest = outcomes[-1]
        if not latest.tried:
            summary.not_tried += 1
        elif latest.result == Result.WORKED:
            summary.worked += 1
        elif latest.result == Result.PARTLY:
            summary.partly += 1
        else:
            summary.not_worked += 1
    return summary


def review_context(request: HttpRequest, case: CaseDiscussion, replace: Card | None = None) -> dict:
    """The whole page in a fixed number of queries; `replace` is a card with a bound form."""
    mat = placemat(case, with_outcomes=True, tips_for=RECORD)  # hidden tips are not reviewed
    editable = viewer_for(request).can_review(case)
    for tip in mat.tips:
        if replace is not None and replace.tip.pk == tip.pk:
            tip.card = replace
        else:
            tip.card = Card(tip, user=request.user)
    return {
        "case": case,
        "placemat": mat,
        "summary": summarise(mat.tips),
        "can_edit": editable,
    }


def respond(request: HtmxHttpRequest, tip: Tip, card: Card) -> HttpResponse:
    """The card for HTMX; for a plain post a redirect (saved) or the page with the form (errors)."""
    case = tip.case
    if request.htmx:
        response = render(
            request,
            f"{REVIEW}#tip-card",
            {"card": card, "tip": card.tip, "case": case, "can_edit": True},
        )
        if card.saved:
            trigger_client_event(response, CHANGED_EVENT)
        return response
    if card.saved:
        return redirect(f"{reverse('casework:review', args=[case.pk])}#tip-{tip.pk}")
    return render(request, REVIEW, review_context(request, case, replace=card))


def reviewer_tip(request: HttpRequest, pk: int) -> Tip:
    """The tip (404 outside the user's networks), if the user may review its case (else 403)."""
    viewer = viewer_for(request)
    tip = tip_for(viewer, pk)
    access.require(viewer.can_review(tip.case))
    return tip


@login_required
@require_GET
def review(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = case_for(viewer_for(request), pk)
    context = review_context(request, case)
    if request.htmx and request.htmx.target == "review-summary":  # refresh after a card changed
        return render(request, f"{REVIEW}#summary", context)
    return render(request, REVIEW, context)


@login_required
@require_POST
def update_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Take the tip to the client (or not) with the action, and the client's decision."""
    tip = reviewer_tip(request, pk)
    choose_form = ChooseForm(request.POST, prefix=prefix(tip), accepted=ChooseForm.saved(tip))
    decision_form = DecisionForm(request.POST, prefix=prefix(tip))
    card_forms = {"posted_choose_form": choose_form, "posted_decision_form": decision_form}
    if choose_form.is_valid() and decision_form.is_valid():
        try:
            tips.choose_tip(tip=tip, **choose_form.cleaned_data)
            if tip.chosen:
                tips.record_decision(tip=tip, **decision_form.cleaned_data)
        except ValidationError as error:
            decision_form.add_error(None, error)
        else:
            card_forms = {"saved": "tip"}
    card = Card(tip, user=request.user, **card_forms)
    return respond(request, tip, card)


@login_required
@require_POST
def add_outcome(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Record what came of a chosen tip, outside a meeting (reported_in stays empty)."""
    tip = reviewer_tip(request, pk)
    form = OutcomeForm(request.POST, prefix=f"{prefix(tip)}-outcome")
    card_forms = {"posted_outcome_form": form}
    if form.is_valid():
        try:
            follow_up.record_outcome(
                tip=tip, reported_in=None, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            card_forms = {"saved": "outcome"}
    card = Card(tip, user=request.user, **card_forms)
    return respond(request, tip, card)
