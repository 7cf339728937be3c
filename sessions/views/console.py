"""The facilitator's console: one page per case discussion, every change an HTMX fragment.

Each POST view changes one thing through a service and answers an HTMX request with the
fragment it changed (the whole step panel, a domain row or a save status); a plain POST
(no JavaScript) is redirected back to the console.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from akad.http import HtmxHttpRequest, posted_id
from matrices.models import Column, Domain

from .. import services
from ..access import case_for_user, require_lead_role, tip_for_user
from ..forms import (
    ChooseForm,
    DomainGoalForm,
    EvaluationForm,
    OutcomeForm,
    PresentationForm,
    TipEditForm,
    TipForm,
)
from ..models import CaseDiscussion, Step
from ..privacy import looks_identifying
from ..selectors import awaiting_follow_up, domain_choices, follow_ups_reported_in, placemat

CONSOLE = "sessions/console.html"
TIPS = "sessions/steps/tips.html"
TIP_EDIT = f"{TIPS}#tip-edit"
DOMAINS = "sessions/steps/domeinen.html"


def step_context(case: CaseDiscussion) -> dict:
    """Step bar and timer, shared by the console and the beamer."""
    current = case.current_step
    steps = list(Step)
    now = timezone.now()
    return {
        "case": case,
        "step": current,
        "steps": [
            {"step": step, "number": n, "done": n < current.number, "current": step == current}
            for n, step in enumerate(steps, start=1)
        ],
        "step_count": len(steps),
        "timebox_minutes": case.meeting.network.timebox_minutes(current),
        "server_now": now,
        "timer_runs": case.step_timer_runs(now),
        "next_step": services.next_step(current),
        "previous_step": services.previous_step(current),
    }


def console_context(case: CaseDiscussion, **overrides) -> dict:
    """What the current step needs, and nothing more."""
    context = step_context(case)
    step = case.current_step
    meeting = case.meeting
    if step == Step.FOLLOW_UP:
        context["awaiting"] = [
            (tip, OutcomeForm(prefix=f"tip{tip.pk}")) for tip in awaiting_follow_up(meeting)
        ]
        context["reported"] = follow_ups_reported_in(meeting)
    elif step == Step.PRESENTATION:
        context["presentation_form"] = PresentationForm(instance=case)
    elif step == Step.DOMAINS:
        levels = DomainGoalForm.level_choices()
        context["domain_rows"] = [
            domain_row(domain, goal, level_choices=levels) for domain, goal in domain_choices(case)
        ]
    elif step in (Step.TIPS, Step.CLOSING):
        context["placemat"] = placemat(case)
        if step == Step.TIPS:
            context["tip_form"] = TipForm(case=case)
    elif step == Step.EVALUATION:
        context["evaluation_form"] = EvaluationForm(
            initial={"rating": case.rating, "remark": case.rating_remark}
        )
        context["next_case"] = (
            meeting.cases.filter(order__gte=case.order)
            .exclude(pk=case.pk)
            .exclude(order=case.order, pk__lt=case.pk)
            .select_related("client")
            .order_by("order", "pk")
            .first()
        )
    context.update(overrides)
    return context


def domain_row(
    domain: Domain, goal, form: DomainGoalForm | None = None, level_choices=None, **extra
) -> dict:
    if form is None:
        form = DomainGoalForm(
            prefix=f"d{domain.pk}",
            level_choices=level_choices,
            initial={
                "marked": goal is not None,
                "goal": goal.goal if goal else "",
                "current_level": goal.current_level_id if goal else None,
                "target_level": goal.target_level_id if goal else None,
            },
        )
    return {"domain": domain, "goal": goal, "form": form, **extra}


def render_panel(
    request: HtmxHttpRequest, case: CaseDiscussion, *, refused: bool = False, **overrides
) -> HttpResponse:
    """The step panel for HTMX; for a plain form post a redirect to the console, or the
    whole console with the message when the post was `refused`.

    The panel always replaces `#panel`, whatever the element that asked (a tip's edit form
    targets that tip): the response says so itself.
    """
    if not request.htmx:
        return refuse_plain_post(request, case, **overrides) if refused else redirect_back(case)
    response = render(request, f"{CONSOLE}#panel", console_context(case, **overrides))
    return retarget(reswap(response, "outerHTML"), "#panel")


def redirect_back(case: CaseDiscussion) -> HttpResponse:
    """A plain form post (no JavaScript) that was saved: back to the console."""
    return redirect("console", pk=case.pk)


def refuse_plain_post(request: HttpRequest, case: CaseDiscussion, **overrides) -> HttpResponse:
    """A plain form post (no JavaScript) that was refused: the console with the message and,
    where the step shows it, the form as it was typed."""
    return render(request, CONSOLE, console_context(case, **overrides), status=422)


def form_errors(form) -> str:
    """A form's messages in one line, each with its field's label: for the console's banner."""
    return " ".join(
        f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    )


def lead_case(request: HttpRequest, pk: int) -> CaseDiscussion:
    case = case_for_user(request.user, pk)
    require_lead_role(case)
    return case


@login_required
@require_GET
def console(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = lead_case(request, pk)
    template = f"{CONSOLE}#panel" if request.htmx else CONSOLE
    return render(request, template, console_context(case))


@login_required
@require_POST
def change_step(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = lead_case(request, pk)
    try:
        step = Step(request.POST.get("step", ""))
    except ValueError:
        return render_panel(request, case, refused=True, error=_("Unknown step."))
    services.go_to_step(case=case, step=step)
    return render_panel(request, case)


@login_required
@require_POST
def save_presentation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Autosave: writes only the presentation fields that came with the request."""
    case = lead_case(request, pk)
    form = PresentationForm(request.POST, instance=case)
    sent = [name for name in CaseDiscussion.PRESENTATION_FIELDS if name in request.POST]
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        if not request.htmx:
            return refuse_plain_post(request, case, presentation_form=form, error=errors)
        return render(
            request, f"{CONSOLE}#save-status", {"failed": True, "message": errors}, status=422
        )
    values = {name: form.cleaned_data[name] for name in sent}
    services.save_presentation(case=case, **values)
    if not request.htmx:
        return redirect_back(case)
    # Saved either way; a text that looks like it identifies the client gets a warning.
    warning = next(filter(None, map(looks_identifying, values.values())), None)
    return render(
        request, f"{CONSOLE}#save-status", {"saved_at": timezone.now(), "warning": warning}
    )


@login_required
@require_POST
def save_domains(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Save one domain row of the domains step (mark, goal, levels) and return that row."""
    case = lead_case(request, pk)
    domain = get_object_or_404(
        Domain,
        pk=posted_id(request, "domain"),
        domain_set_id=case.meeting.network.matrix.domain_set_id,
    )
    goal = case.goals.filter(domain=domain).first()
    form = DomainGoalForm(request.POST, prefix=f"d{domain.pk}")
    row_error = None
    # A goal or level for a domain that is not marked (console.js ticks the box as soon as
    # one is typed; without JavaScript it may stay unticked): refused, the text is kept.
    unmarked_goal = (
        form.is_valid()
        and goal is None
        and not form.cleaned_data["marked"]
        and any(form.cleaned_data[name] for name in ("goal", "current_level", "target_level"))
    )
    if unmarked_goal:
        row_error = _("Tick the domain to save its goal and levels.")
    elif form.is_valid():
        data = form.cleaned_data
        try:
            if data["marked"]:
                goal = services.set_domain_goal(
                    case=case,
                    domain=domain,
                    goal=data["goal"],
                    current_level=data["current_level"],
                    target_level=data["target_level"],
                )
            elif goal is not None:
                services.unmark_domain(case=case, domain=domain)
                goal = None
        except ValidationError as error:
            row_error = " ".join(error.messages)
    if form.is_valid() and row_error is None:
        if not request.htmx:
            return redirect_back(case)
        # Only the row's status changes: the inputs stay as the facilitator left them.
        row = domain_row(domain, goal, saved=True)
        return render(request, f"{DOMAINS}#row-status", {"row": row, "case": case})
    # Refused: show the row as it really is, or as typed when the input was invalid or
    # belongs to a domain still to be ticked.
    typed = form if unmarked_goal or not form.is_valid() else None
    row = domain_row(domain, goal, typed, error=row_error)
    if not request.htmx:
        levels = DomainGoalForm.level_choices()
        rows = [
            row if other == domain else domain_row(other, its_goal, level_choices=levels)
            for other, its_goal in domain_choices(case)
        ]
        message = f"{domain.label}: {row_error or form_errors(form)}"
        return refuse_plain_post(request, case, domain_rows=rows, error=message)
    response = render(request, f"{DOMAINS}#domain-row", {"row": row, "case": case})
    return retarget(reswap(response, "outerHTML"), f"#domain-{domain.pk}")


@login_required
@require_POST
def add_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add a tip; a double submit or a retry with the same form key stores it once.

    The answer is small: the new tip, appended to its cell, and a fresh form key. The form
    keeps the chosen cell for the next tip; the console's JavaScript empties the text, the
    giver and the organisation.
    """
    case = lead_case(request, pk)
    form = TipForm(request.POST, case=case)
    tip = created = None
    if form.is_valid():
        try:
            tip, created = services.add_tip(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if not request.htmx:
        return (
            refuse_plain_post(request, case, tip_form=form) if form.errors else redirect_back(case)
        )
    if form.errors:
        # Show the form again as typed, with the messages.
        context = {"case": case, "placemat": placemat(case), "tip_form": form}
        response = render(request, f"{TIPS}#tip-form", context)
        return retarget(reswap(response, "outerHTML"), "#tip-form")
    # "tipAdded" tells the console which text is stored under the key, so that it empties the
    # form only if that is the tip it sent (not another one sent again with the same key).
    stored = {"text": tip.text}
    if not created:
        # A retry of a tip that is already stored: show the whole panel as it is now.
        return trigger_client_event(render_panel(request, case), "tipAdded", stored)
    context = {"case": case, "tip": tip, "next_key": uuid.uuid4(), "tip_added": True}
    return trigger_client_event(render(request, f"{TIPS}#tip-added", context), "tipAdded", stored)


@login_required
@require_POST
def set_spotlight(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = lead_case(request, pk)
    column_id = posted_id(request, "column")
    column = (
        get_object_or_404(Column, pk=column_id, matrix_id=case.meeting.network.matrix_id)
        if column_id is not None
        else None
    )
    services.set_spotlight(case=case, column=column)
    if column is None:
        announce = _("Spotlight on all columns.")
    else:
        announce = _("Spotlight on %(column)s.") % {"column": column.label}
    return render_panel(request, case, announce=announce)


@login_required
@require_http_methods(["GET", "POST"])
def edit_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the inline edit form for one tip. POST: save text or move it to another cell."""
    tip = tip_for_user(request.user, pk)
    case = tip.case
    require_lead_role(tip)
    if request.method == "GET":
        return render(
            request, TIP_EDIT, {"tip": tip, "form": TipEditForm(instance=tip), "case": case}
        )
    form = TipEditForm(request.POST, instance=tip)
    if form.is_valid():
        try:
            services.update_tip(tip=tip, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return render(request, TIP_EDIT, {"tip": tip, "form": form, "case": case})
    return render_panel(request, case_for_user(request.user, case.pk), announce=_("Tip saved."))


@login_required
@require_POST
def delete_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    tip = tip_for_user(request.user, pk)
    case = tip.case
    require_lead_role(tip)
    try:
        services.delete_tip(tip=tip)
    except ValidationError as error:
        return render_panel(request, case, refused=True, error=" ".join(error.messages))
    return render_panel(request, case, announce=_("Tip deleted."))


@login_required
@require_POST
def choose_tip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Afronding: the case-bringer takes the tip to the client, with who/what/when."""
    tip = tip_for_user(request.user, pk)
    case = tip.case
    require_lead_role(tip)
    form = ChooseForm(request.POST, prefix=f"c{tip.pk}")
    if form.is_valid():
        services.choose_tip(tip=tip, **form.cleaned_data)
    if not request.htmx:
        if form.is_valid():
            return redirect_back(case)
        return refuse_plain_post(request, case, error=f"{tip.text}: {form_errors(form)}")
    return render(
        request,
        "sessions/steps/afronding.html#choose-row",
        {"tip": tip, "form": form, "saved": form.is_valid(), "case": case},
    )


@login_required
@require_POST
def record_follow_up(request: HtmxHttpRequest, pk: int, tip_pk: int) -> HttpResponse:
    """Terugblik: what came of a chosen tip of an earlier meeting, reported in this one."""
    case = lead_case(request, pk)
    tip = tip_for_user(request.user, tip_pk)
    if not awaiting_follow_up(case.meeting).filter(pk=tip.pk).exists():
        # Recorded already (a double click, a retry after a lost answer) or not one of this
        # meeting's terugblik: nothing to store, show the list as it is.
        return render_panel(request, case)
    form = OutcomeForm(request.POST, prefix=f"tip{tip.pk}")
    if form.is_valid():
        try:
            services.record_outcome(
                tip=tip, reported_in=case.meeting, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        # Show the list again with this tip's form as typed, and its messages.
        awaiting = [
            (item, form if item.pk == tip.pk else OutcomeForm(prefix=f"tip{item.pk}"))
            for item in awaiting_follow_up(case.meeting)
        ]
        return render_panel(request, case, refused=True, awaiting=awaiting)
    return render_panel(request, case, announce=_("Follow-up saved."))


@login_required
@require_POST
def save_evaluation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = lead_case(request, pk)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        services.rate_session(
            case=case, rating=form.cleaned_data["rating"], remark=form.cleaned_data["remark"]
        )
        return render_panel(request, case, evaluation_saved=True)
    return render_panel(request, case, refused=True, evaluation_form=form)
