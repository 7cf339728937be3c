"""The step registry: what each of the seven steps shows on the console and on the beamer.

One entry per step (in the order of `Step`, which follows `matrices/data/zrm.json`; a system
check in `checks.py` keeps the two in line). Each entry names the context its console panel
and its beamer page need, built in a fixed number of queries; the templates are
`sessions/steps/<key>.html` (console) and `sessions/beamer/<key>.html` (beamer). A new screen
that follows the steps (the phones of the room) adds one function per entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from matrices.models import Domain

from .forms.follow_up import OutcomeForm
from .forms.live import DomainGoalForm, EvaluationForm, PresentationForm
from .forms.tips import TipForm
from .models import CaseDiscussion, Meeting, Step
from .selectors.follow_up import awaiting_follow_up, follow_ups_reported_in
from .selectors.meetings import next_case
from .selectors.placemat import domain_choices, placemat

StepContext = Callable[[CaseDiscussion], dict]


def _nothing(case: CaseDiscussion) -> dict:
    return {}


@dataclass(frozen=True)
class StepView:
    step: Step
    console: StepContext = field(default=_nothing)
    beamer: StepContext = field(default=_nothing)
    # The terugblik is about earlier cases: its beamer page is not headed by today's client.
    names_case: bool = True

    @property
    def console_template(self) -> str:
        return f"sessions/steps/{self.step.value}.html"

    @property
    def beamer_template(self) -> str:
        return f"sessions/beamer/{self.step.value}.html"


# Console panels ------------------------------------------------------------------------------


def domain_row(
    domain: Domain, goal, form: DomainGoalForm | None = None, level_choices=None, **extra
) -> dict:
    """One row of the domains step: the domain, its goal if marked, and its form."""
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


def domain_rows(case: CaseDiscussion) -> list[dict]:
    levels = DomainGoalForm.level_choices()
    return [domain_row(domain, goal, level_choices=levels) for domain, goal in domain_choices(case)]


def _follow_up_console(case: CaseDiscussion) -> dict:
    meeting = case.meeting
    return {
        "awaiting": [
            (tip, OutcomeForm(prefix=f"tip{tip.pk}")) for tip in awaiting_follow_up(meeting)
        ],
        "reported": follow_ups_reported_in(meeting),
    }


def _follow_up_beamer(case: CaseDiscussion) -> dict:
    return {
        "awaiting": awaiting_follow_up(case.meeting),
        "reported": follow_ups_reported_in(case.meeting),
    }


def _placemat(case: CaseDiscussion) -> dict:
    return {"placemat": placemat(case)}


def _tips_console(case: CaseDiscussion) -> dict:
    return {"placemat": placemat(case), "tip_form": TipForm(case=case)}


def _evaluation_console(case: CaseDiscussion) -> dict:
    return {
        "evaluation_form": EvaluationForm(
            initial={"rating": case.rating, "remark": case.rating_remark}
        ),
        "next_case": next_case(case),
    }


REGISTRY: dict[Step, StepView] = {
    view.step: view
    for view in (
        StepView(Step.OPENING),
        StepView(
            Step.FOLLOW_UP, console=_follow_up_console, beamer=_follow_up_beamer, names_case=False
        ),
        StepView(
            Step.PRESENTATION,
            console=lambda case: {"presentation_form": PresentationForm(instance=case)},
        ),
        # The beamer shows the placemat as the domains are marked: its rows are the domains.
        StepView(
            Step.DOMAINS, console=lambda case: {"domain_rows": domain_rows(case)}, beamer=_placemat
        ),
        StepView(Step.TIPS, console=_tips_console, beamer=_placemat),
        StepView(Step.CLOSING, console=_placemat, beamer=_placemat),
        StepView(Step.EVALUATION, console=_evaluation_console, beamer=_placemat),
    )
}

ORDER: list[Step] = list(Step)


def next_step(step: Step) -> Step | None:
    index = ORDER.index(step)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


def previous_step(step: Step) -> Step | None:
    index = ORDER.index(step)
    return ORDER[index - 1] if index > 0 else None


def jump_warning(case: CaseDiscussion, step: Step) -> str | None:
    """Why moving the room to `step` asks for a confirmation first; None for an ordinary move.

    The beamer and the timer follow every step change at once, so only next, back and
    starting at the opening go straight through. A jump over steps, a step of a case not yet
    started, and reopening a case after the room moved on to another are confirmed first.
    """
    current = case.current_step
    if case.started_at is None:
        if step == Step.OPENING:
            return None
        return _(
            "This case has not started yet. Start it at %(step)s? The beamer and the timer "
            "go along."
        ) % {"step": step.label}
    if case.meeting.current_case_id not in (None, case.pk):
        return _(
            "The beamer shows another case now. Reopen this case at %(step)s? The beamer "
            "and the timer go along."
        ) % {"step": step.label}
    if step in (current, next_step(current), previous_step(current)):
        return None
    return _(
        "Jump from step %(from)s to step %(to)s, %(step)s? The beamer and the timer go along."
    ) % {"from": current.number, "to": step.number, "step": step.label}


def step_bar(case: CaseDiscussion) -> dict:
    """Step bar and timer, shared by the console and the beamer."""
    current = case.current_step
    now = timezone.now()
    return {
        "case": case,
        "step": current,
        "step_view": REGISTRY[current],
        "steps": [
            {"step": step, "number": n, "done": n < current.number, "current": step == current}
            for n, step in enumerate(ORDER, start=1)
        ],
        "step_count": len(ORDER),
        "timebox_minutes": case.meeting.network.timebox_minutes(current),
        "server_now": now,
        "timer_runs": case.step_timer_runs(now),
        "next_step": next_step(current),
        "previous_step": previous_step(current),
    }


def console_context(case: CaseDiscussion, **overrides) -> dict:
    """The console's panel: the step bar and what the current step needs, nothing more."""
    context = step_bar(case)
    context.update(REGISTRY[case.current_step].console(case))
    context.update(overrides)
    return context


def beamer_context(meeting: Meeting) -> dict:
    """The beamer's content: the meeting's current case in its current step."""
    context: dict = {"meeting": meeting, "version": meeting.version, "server_now": timezone.now()}
    case = meeting.current_case  # loaded with the meeting (selectors.objects.meeting_for)
    if case is None:
        return context
    case.meeting = meeting
    context.update(step_bar(case))
    context.update(REGISTRY[case.current_step].beamer(case))
    return context
