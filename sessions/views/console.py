"""The facilitator's console: one page per case discussion, every change an HTMX fragment.

Each POST view changes one thing through a service and answers an HTMX request with the
fragment it changed (the whole step panel, a domain row or a save status); a plain POST
(no JavaScript) is redirected back to the console.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from akad.http import HtmxHttpRequest, posted_id
from networks import access
from networks.access import viewer_for

from ..forms.follow_up import OutcomeCorrectionForm, OutcomeForm
from ..forms.live import DomainGoalForm, EvaluationForm, PresentationForm
from ..models import CaseDiscussion, Step
from ..selectors.follow_up import awaiting_follow_up, awaits_follow_up, reported_follow_up
from ..selectors.objects import case_for, tip_for
from ..selectors.placemat import case_column, case_domain, case_goal, domain_choices
from ..services import follow_up, live
from ..steps import console_context, domain_row, jump_warning, tips_live
from .polling import CONSOLE_FOLLOW_SALT, unchanged_in_session

CONSOLE = "sessions/console.html"
TIPS = "sessions/steps/tips.html"
TIP_EDIT = f"{TIPS}#tip-edit"
DOMAINS = "sessions/steps/domeinen.html"
FOLLOW_UP = "sessions/steps/terugblik.html"
STOP_POLLING = 286  # htmx stops an `every` trigger on this status


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
    return redirect("casework:console", pk=case.pk)


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


@require_GET
def follow_tips(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The tips step on the console follows the room: tips from the phones, and how many wait
    to be shown, appear within a second. 204 while nothing changed (one query, `polling`);
    after a change the phone-tips bar and the placemat again (out of band) with the next
    poll. It stops (286, htmx's "stop polling") once the case is past the tips step or the
    login is gone: the console's next action meets the login, with the typed text kept."""
    if unchanged_in_session(request, pk, salt=CONSOLE_FOLLOW_SALT):
        return HttpResponse(status=204)
    if not request.user.is_authenticated:
        access.require(not access.has_guest_pass(request))  # a guest's phone: 403
        return HttpResponse(status=STOP_POLLING)
    case = lead_case(request, pk)
    if case.current_step is not Step.TIPS:
        return HttpResponse(status=STOP_POLLING)
    return render(request, f"{TIPS}#follow", tips_live(case))  # no tip form: it stays put


def lead_case(request: HttpRequest, pk: int, *, fetch=case_for) -> CaseDiscussion:
    """The case (404 outside the viewer's networks), if the viewer runs sessions (else 403);
    `fetch` says what is loaded with it (selectors.objects)."""
    viewer = viewer_for(request)
    case = fetch(viewer, pk)
    access.require(viewer.can_lead(case.meeting.network_id))
    return case


def lead_tip(request: HttpRequest, pk: int):
    """The tip (404 outside the viewer's networks), if the viewer runs sessions (else 403)."""
    viewer = viewer_for(request)
    tip = tip_for(viewer, pk)
    access.require(viewer.can_lead(tip.case.meeting.network_id))
    return tip


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
    warning = jump_warning(case, step)
    if warning and request.POST.get("confirm") != "1":
        # Nothing moves yet: the panel asks first (the room sees no change).
        return render_panel(request, case, confirm_step=step, confirm_warning=warning)
    live.go_to_step(case=case, step=step)
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
        # A text that may identify someone: kept on the device, saved once confirmed.
        warned = next((name for name in sent if name in form.errors), None)
        context = {"failed": True, "message": errors, "case": case}
        if form.privacy_warned:
            context["save_anyway_field"] = form[warned].id_for_label if warned else None
        return render(request, f"{CONSOLE}#save-status", context, status=422)
    values = {name: form.cleaned_data[name] for name in sent}
    live.save_presentation(case=case, **values)
    if not request.htmx:
        return redirect_back(case)
    return render(request, f"{CONSOLE}#save-status", {"saved_at": timezone.now()})


@login_required
@require_POST
def save_domains(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Save one domain row of the domains step (mark, goal, levels) and return that row."""
    case = lead_case(request, pk)
    domain = case_domain(case, posted_id(request, "domain"))
    goal = case_goal(case, domain)
    form = DomainGoalForm(
        request.POST, prefix=f"d{domain.pk}", accepted={"goal": goal.goal if goal else ""}
    )
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
                goal = live.set_domain_goal(
                    case=case,
                    domain=domain,
                    goal=data["goal"],
                    current_level=data["current_level"],
                    target_level=data["target_level"],
                )
            elif goal is not None:
                live.unmark_domain(case=case, domain=domain)
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
def set_spotlight(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = lead_case(request, pk)
    column = case_column(case, posted_id(request, "column"))
    live.set_spotlight(case=case, column=column)
    if column is None:
        announce = _("Spotlight on all columns.")
    else:
        announce = _("Spotlight on %(column)s.") % {"column": column.label}
    return render_panel(request, case, announce=announce)


@login_required
@require_POST
def record_follow_up(request: HtmxHttpRequest, pk: int, tip_pk: int) -> HttpResponse:
    """Terugblik: what came of a chosen tip of an earlier meeting, reported in this one."""
    case = lead_case(request, pk)
    tip = tip_for(viewer_for(request), tip_pk)
    if not awaits_follow_up(case.meeting, tip):
        # Recorded already (a double click, a retry after a lost answer) or not one of this
        # meeting's terugblik: nothing to store, show the list as it is.
        return render_panel(request, case)
    form = OutcomeForm(request.POST, prefix=f"tip{tip.pk}")
    if form.is_valid():
        try:
            follow_up.record_outcome(
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
@require_http_methods(["GET", "POST"])
def correct_follow_up(request: HtmxHttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    """Terugblik: correct a follow-up reported in this meeting. GET: its form in place."""
    case = lead_case(request, pk)
    outcome = reported_follow_up(case.meeting, outcome_pk)
    if request.method == "GET":
        form = OutcomeCorrectionForm.of(outcome)
        if request.htmx:
            context = {"case": case, "outcome": outcome, "form": form}
            return render(request, f"{FOLLOW_UP}#outcome-edit", context)
        return render(request, CONSOLE, console_context(case, editing=outcome.pk, edit_form=form))
    form = OutcomeCorrectionForm.of(outcome, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            follow_up.correct_outcome(
                outcome=outcome,
                tried=data["tried"],
                result=data["result"],
                why=data["why"],
                reported_by=data["reported_by"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return render_panel(request, case, refused=True, editing=outcome.pk, edit_form=form)
    return render_panel(request, case, announce=_("Follow-up corrected."))


@login_required
@require_POST
def save_evaluation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = lead_case(request, pk)
    form = EvaluationForm(request.POST, accepted={"remark": case.rating_remark})
    if form.is_valid():
        live.rate_session(
            case=case, rating=form.cleaned_data["rating"], remark=form.cleaned_data["remark"]
        )
        return render_panel(request, case, evaluation_saved=True)
    return render_panel(request, case, refused=True, evaluation_form=form)
