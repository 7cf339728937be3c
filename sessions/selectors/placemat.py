"""The placemat of a case: its marked domains × the network's columns, with the tips."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from matrices.models import Column, Domain

from ..models import CaseDiscussion, DomainGoal, Tip, TipOutcome

COLUMN_LETTERS = "abcdefghijklmnopqrstuvwxyz"

# Which tips a placemat holds (moderation: a held tip waits for the facilitator's "show", a
# hidden one is moderated away).
ALL_TIPS = "all"  # the console: every tip, held and hidden ones marked as such
RECORD = "record"  # reports, the case review, the closing step: every tip that is not hidden
ROOM = "room"  # the beamer: what the room sees (neither held nor hidden)


@dataclass
class Cell:
    column: Column
    tips: list[Tip] = field(default_factory=list)
    more: int = 0  # tips of the cell left out (the beamer shows the newest `per_cell`)


@dataclass
class Row:
    number: int
    goal: DomainGoal
    cells: list[Cell]

    @property
    def domain(self) -> Domain:
        return self.goal.domain


@dataclass
class Placemat:
    """The case's marked domains (rows) × the network's columns, left to right, with tips."""

    columns: list[Column]
    rows: list[Row]
    spotlight_id: int | None

    @property
    def tips(self) -> list[Tip]:
        return [tip for row in self.rows for cell in row.cells for tip in cell.tips]

    @property
    def tip_count(self) -> int:
        """Every tip of the placemat, also those a cell leaves out (`Cell.more`)."""
        return sum(len(cell.tips) + cell.more for row in self.rows for cell in row.cells)

    @property
    def chosen_tips(self) -> list[Tip]:
        """The tips taken to the client, in placemat order (the closing step's agreements)."""
        return [tip for tip in self.tips if tip.chosen]


def placemat_columns(case: CaseDiscussion) -> list[Column]:
    """The network's columns in order, each with its picker letter (a, b, c, …)."""
    columns = list(
        Column.objects.filter(matrix_id=case.meeting.network.matrix_id).order_by("order")
    )
    for letter, column in zip(COLUMN_LETTERS, columns, strict=False):
        column.letter = letter
    return columns


def placemat(
    case: CaseDiscussion,
    *,
    with_outcomes: bool = False,
    tips_for: str = ALL_TIPS,
    per_cell: int | None = None,
) -> Placemat:
    """Build the placemat in three queries (four with outcomes or `per_cell`), whatever the
    number of tips.

    `case` must come with `meeting__network` loaded (see `case_for_user`); `tips_for` says
    which tips it holds: ALL_TIPS, RECORD or ROOM. With `per_cell` each cell holds only its
    newest that many tips and says how many more there are (`Cell.more`).
    """
    columns = placemat_columns(case)
    goals = (
        DomainGoal.objects.filter(case=case)
        .select_related("domain", "current_level", "target_level")
        .order_by("domain__order")
    )
    tips: QuerySet[Tip] = Tip.objects.filter(case=case).select_related("organisation")
    if tips_for in (RECORD, ROOM):
        tips = tips.filter(hidden=False)
    if tips_for == ROOM:
        tips = tips.filter(held=False)
    counts: dict[tuple[int, int], int] = {}
    if per_cell is not None:
        counts = {
            (domain_id, column_id): n
            for domain_id, column_id, n in tips.order_by()
            .values_list("domain_id", "column_id")
            .annotate(n=Count("pk"))
        }
        newest_first = Window(
            RowNumber(),
            partition_by=[F("domain_id"), F("column_id")],
            order_by=[F("created_at").desc(), F("pk").desc()],
        )
        tips = tips.annotate(newest=newest_first).filter(newest__lte=per_cell)
    if with_outcomes:
        tips = tips.prefetch_related(
            Prefetch("outcomes", queryset=TipOutcome.objects.select_related("reported_in"))
        )
    goals = list(goals)
    domains = {goal.domain_id: goal.domain for goal in goals}
    columns_by_id = {column.pk: column for column in columns}
    by_cell: dict[tuple[int, int], list[Tip]] = {}
    for tip in tips:
        # Share the loaded rows, so `tip.domain` and `tip.column` cost no query.
        if tip.domain_id in domains and tip.column_id in columns_by_id:
            tip.domain, tip.column = domains[tip.domain_id], columns_by_id[tip.column_id]
        by_cell.setdefault((tip.domain_id, tip.column_id), []).append(tip)

    def cell(goal: DomainGoal, column: Column) -> Cell:
        held = by_cell.get((goal.domain_id, column.pk), [])
        total = counts.get((goal.domain_id, column.pk), len(held))
        return Cell(column, held, more=total - len(held))

    rows = [
        Row(number=number, goal=goal, cells=[cell(goal, column) for column in columns])
        for number, goal in enumerate(goals, start=1)
    ]
    return Placemat(columns=columns, rows=rows, spotlight_id=case.spotlight_id)


def domain_choices(case: CaseDiscussion) -> list[tuple[Domain, DomainGoal | None]]:
    """All domains of the network's ZRM with this case's goal where one is marked."""
    goals = {
        goal.domain_id: goal
        for goal in DomainGoal.objects.filter(case=case).select_related(
            "current_level", "target_level"
        )
    }
    domains = Domain.objects.filter(
        domain_set_id=case.meeting.network.matrix.domain_set_id
    ).order_by("order")
    return [(domain, goals.get(domain.pk)) for domain in domains]


def marked_domains(case: CaseDiscussion) -> list[Domain]:
    """The case's marked domains in placemat order, each with its row `number` (one query)."""
    domains = [
        goal.domain
        for goal in DomainGoal.objects.filter(case=case)
        .select_related("domain")
        .order_by("domain__order")
    ]
    for number, domain in enumerate(domains, start=1):
        domain.number = number
    return domains


def case_domain(case: CaseDiscussion, pk: int | None) -> Domain:
    """A domain of the case's ZRM (404 for any other id: a form posted something odd)."""
    return get_object_or_404(Domain, pk=pk, domain_set_id=case.meeting.network.matrix.domain_set_id)


def case_goal(case: CaseDiscussion, domain: Domain) -> DomainGoal | None:
    """The case's goal in this domain, if the domain is marked."""
    return case.goals.filter(domain=domain).first()


def case_column(case: CaseDiscussion, pk: int | None) -> Column | None:
    """A column of the case's placemat, None for none (404 for an id of another placemat)."""
    if pk is None:
        return None
    return get_object_or_404(Column, pk=pk, matrix_id=case.meeting.network.matrix_id)


def case_tip(case: CaseDiscussion, pk: int | None) -> Tip:
    """A tip of this case (404 for any other id)."""
    return get_object_or_404(Tip, pk=pk, case=case)


def merge_choices(tip: Tip) -> list[Tip]:
    """The other tips of the tip's case, in its cell first: what it can be merged into."""
    others = list(Tip.objects.filter(case_id=tip.case_id).exclude(pk=tip.pk).order_by("pk"))
    same_cell = (tip.domain_id, tip.column_id)
    return sorted(others, key=lambda other: (other.domain_id, other.column_id) != same_cell)
