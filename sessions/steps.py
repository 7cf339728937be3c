"""The step registry: what each of the seven steps shows on the console, the beamer and a phone.

One entry per step (in the order of `Step`, which follows `matrices/data/zrm.json`; a system
check in `checks.py` keeps the two in line). Each entry names the context its console panel,
its beamer page and the phones of the room need, built in a fixed number of queries; the
templates are `sessions/steps/<key>.html` (console), `sessions/beamer/<key>.html` (beamer)
and `sessions/phone/<key>.html` (phone). It also says whether people in the room can give
tips from their phones in that step (`guest_tips`): the services and the phone page ask here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from django.utils import timezone
from django.utils.translation import gettext as _

from matrices.models import Domain

from .forms.follow_up import OutcomeForm
from .forms.live import DomainGoalForm, EvaluationForm, PresentationForm
from .forms.tips import TipForm
from .models import CaseDiscussion, Meeting, Step
from .selectors.follow_up import awaiting_follow_up, follow_ups_reported_in
from .selectors.meetings import next_case
from .selectors.placemat import (
    RECORD,
    ROOM,
    domain_choices,
    marked_domains,
    placemat,
    placemat_columns,
)

StepContext = Callable[[CaseDiscussion], dict]


def _nothing(case: CaseDiscussion) -> dict:
    return {}


class GuestTips(Enum):
    """What a tip sent from a phone does in a step."""

    CLOSED = "closed"  # not yet (no domains to give tips in) or no more (the round is over)
    PARKED = "parked"  # stored, and held until the tips step opens (the method parks them)
    OPEN = "open"  # on the placemat at once (unless the facilitator holds phone tips)


@dataclass(frozen=True)
class StepView:
    step: Step
    console: StepContext = field(default=_nothing)
    beamer: StepContext = field(default=_nothing)
    phone: StepContext = field(default=_nothing)
    guest_tips: GuestTips = GuestTips.CLOSED
    # How the beamer shows the join code: "big" at the start, when people come in; "inline",
    # in the header line, while they give tips (the placemat fills the rest of the screen);
    # "small", in a corner, otherwise.
    beamer_join_code: str = "small"
    # The terugblik is about earlier cases: its beamer page is not headed by today's client.
    names_case: bool = True

    @property
    def console_template(self) -> str:
        return f"sessions/steps/{self.step.value}.html"

    @property
    def beamer_template(self) -> str:
        return f"sessions/beamer/{self.step.value}.html"

    @property
    def phone_template(self) -> str:
        return f"sessions/phone/{self.step.value}.html"


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


# On the beamer a cell shows its newest tips, as many as stay readable from the back of the
# room (with 12 a cell, two full rows no longer fit 1080 px at the smallest type), and how
# many more it has: the console and the reports show them all. This also keeps
# the render of a round's changed poll the same size whether a room writes 40 tips or 2000.
BEAMER_TIPS_PER_CELL = 6


def _placemat(case: CaseDiscussion) -> dict:
    """The beamer's placemat: only what the room may see (no held or hidden tips)."""
    return {"placemat": placemat(case, tips_for=ROOM)}


def _placemat_round(case: CaseDiscussion) -> dict:
    """The beamer's placemat while tips come in: the newest of each cell."""
    return {"placemat": placemat(case, tips_for=ROOM, per_cell=BEAMER_TIPS_PER_CELL)}


def _closing_console(case: CaseDiscussion) -> dict:
    """Tips to choose from: every tip but the hidden ones (held ones were shown on leaving)."""
    return {"placemat": placemat(case, tips_for=RECORD)}


def tips_live(case: CaseDiscussion) -> dict:
    """What the console's tips step redraws as the room writes: the placemat, the held count."""
    mat = placemat(case)
    return {
        "case": case,
        "placemat": mat,
        "held_count": sum(1 for tip in mat.tips if tip.held and not tip.hidden),
    }


def _tips_console(case: CaseDiscussion) -> dict:
    return {**tips_live(case), "tip_form": TipForm(case=case)}


def _domains_console(case: CaseDiscussion) -> dict:
    return {
        "domain_rows": domain_rows(case),
        # Tips from phones written in this step wait, parked, for the tips step.
        "parked_count": case.tips.filter(held=True, hidden=False).count(),
    }


def _phone_cells(case: CaseDiscussion) -> dict:
    """A phone sees the marked domains (names only) and the columns to pick from."""
    return {"domains": marked_domains(case), "columns": placemat_columns(case)}


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
        StepView(Step.OPENING, beamer_join_code="big"),
        StepView(
            Step.FOLLOW_UP,
            console=_follow_up_console,
            beamer=_follow_up_beamer,
            names_case=False,
            beamer_join_code="big",
        ),
        StepView(
            Step.PRESENTATION,
            console=lambda case: {"presentation_form": PresentationForm(instance=case)},
        ),
        # The beamer shows the placemat as the domains are marked: its rows are the domains.
        # Phones may write tips already; they wait, parked, until the tips step.
        StepView(
            Step.DOMAINS,
            console=_domains_console,
            beamer=_placemat_round,
            phone=_phone_cells,
            guest_tips=GuestTips.PARKED,
        ),
        StepView(
            Step.TIPS,
            console=_tips_console,
            beamer=_placemat_round,
            phone=_phone_cells,
            guest_tips=GuestTips.OPEN,
            beamer_join_code="inline",
        ),
        StepView(Step.CLOSING, console=_closing_console, beamer=_placemat, phone=_phone_cells),
        StepView(
            Step.EVALUATION, console=_evaluation_console, beamer=_placemat, phone=_phone_cells
        ),
    )
}

ORDER: list[Step] = list(Step)


def guest_tips(step: Step | str) -> GuestTips:
    return REGISTRY[Step(step)].guest_tips


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
    view = REGISTRY[case.current_step]
    context.update(view.beamer(case))
    context["join_code_size"] = join_code_size(view, context.get("placemat"))
    return context


# The code in the header line gives way once the placemat fills up: the room needs the tips
# more than the code by then, and a long header would wrap and take a line of the placemat.
JOIN_INLINE_MAX_TIPS = 12


def join_code_size(view: StepView, mat) -> str:
    if (
        view.beamer_join_code == "inline"
        and mat is not None
        and mat.tip_count > JOIN_INLINE_MAX_TIPS
    ):
        return "small"
    return view.beamer_join_code


def phone_context(meeting: Meeting) -> dict:
    """A guest's phone: the meeting's current case (pseudonym, question, marked domains) in
    its current step, and whether tips can be sent; nothing of other cases or of other tips."""
    context: dict = {"meeting": meeting, "version": meeting.room_version}  # its poll's version
    case = meeting.current_case  # loaded with the guest (selectors.objects.guest_for_secret)
    if case is None:
        return context
    case.meeting = meeting
    view = REGISTRY[case.current_step]
    context.update(
        {
            "case": case,
            "step": case.current_step,
            "step_view": view,
            "step_count": len(ORDER),
            "guest_tips": view.guest_tips.value,
        }
    )
    context.update(view.phone(case))
    return context
