"""A client's whole record, for their right of access (AVG art. 15): everything the app holds
about them, as the rows of one table (the coordinator's CSV file, `views/clients.py`).

One row per item, its kind in the first column: the client, each case discussion (its
meeting, case-bringer, presentation and evaluation, a row per field), the goal of each
marked ZRM domain with its levels, every tip with its giver, choice and action, and every
follow-up of a tip, right after its tip. Columns an item does not have stay empty. Hidden
tips are in it too, marked: the app still holds them. Five queries, whatever the number of
discussions, tips and follow-ups.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..models import CaseDiscussion, Client, DomainGoal, Tip, TipOutcome

# The columns, in order: (key, header).
COLUMNS = (
    ("kind", gettext_lazy("Kind")),
    ("meeting", gettext_lazy("Meeting")),
    ("domain", gettext_lazy("Domain")),
    ("column", gettext_lazy("Column")),
    ("field", pgettext_lazy("client data export: the heading of a text", "Field")),
    ("text", gettext_lazy("Text")),
    ("current_level", gettext_lazy("Current level")),
    ("target_level", gettext_lazy("Target level")),
    ("given_by", gettext_lazy("Given by")),
    ("organisation", gettext_lazy("Organisation")),
    ("hidden", gettext_lazy("Hidden in the room")),
    ("chosen", gettext_lazy("Taken to the client")),
    ("decision", gettext_lazy("Client's decision")),
    ("action_who", gettext_lazy("Action: who")),
    ("action_what", gettext_lazy("Action: what")),
    ("action_when", gettext_lazy("Action: when")),
    ("tried", gettext_lazy("Tried")),
    ("result", gettext_lazy("Result")),
    ("why", gettext_lazy("Why")),
    ("reported_in", gettext_lazy("Reported in meeting")),
    ("reported_by", gettext_lazy("Reported by")),
)
KEYS = [key for key, _header in COLUMNS]


def header() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def day(moment: datetime | None) -> str:
    """A date as Excel reads it whatever its region: 2026-03-14 (local time)."""
    return timezone.localtime(moment).date().isoformat() if moment else ""


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def row(kind: str, **cells: object) -> list[object]:
    if unknown := set(cells) - set(KEYS):
        raise TypeError(f"no such column: {sorted(unknown)}")
    return [kind, *(cells.get(key, "") for key in KEYS[1:])]


def label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def client_rows(client: Client) -> list[list[object]]:
    """The client's record as rows under `header()`; `client` with `case_bringer` loaded."""
    kind = _("client")
    rows = [row(kind, field=label(Client, "pseudonym"), text=client.pseudonym)]
    if client.birth_year:
        rows.append(row(kind, field=label(Client, "birth_year"), text=client.birth_year))
    if client.case_bringer:
        rows.append(row(kind, field=label(Client, "case_bringer"), text=client.case_bringer))
    rows.append(row(kind, field=_("Recorded since"), text=day(client.created_at)))

    discussions = list(
        CaseDiscussion.objects.filter(client=client)
        .select_related("meeting", "case_bringer")
        .order_by("meeting__starts_at", "pk")
    )
    goals = defaultdict(list)
    for goal in (
        DomainGoal.objects.filter(case__client=client)
        .select_related("domain", "current_level", "target_level")
        .order_by("domain__order", "pk")
    ):
        goals[goal.case_id].append(goal)
    tips = defaultdict(list)
    for tip in (
        Tip.objects.filter(case__client=client)
        .select_related("domain", "column", "organisation")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=TipOutcome.objects.select_related("reported_in").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("domain__order", "column__order", "created_at", "pk")
    ):
        tips[tip.case_id].append(tip)

    for case in discussions:
        rows += discussion_rows(case, goals[case.pk], tips[case.pk])
    return rows


def discussion_rows(
    case: CaseDiscussion, goals: list[DomainGoal], tips: list[Tip]
) -> list[list[object]]:
    meeting = day(case.meeting.starts_at)
    kind = _("case discussion")
    rows = []
    if case.case_bringer:
        rows.append(
            row(
                kind,
                meeting=meeting,
                field=label(CaseDiscussion, "case_bringer"),
                text=case.case_bringer,
            )
        )
    for name in CaseDiscussion.PRESENTATION_FIELDS:
        if value := getattr(case, name):
            rows.append(row(kind, meeting=meeting, field=label(CaseDiscussion, name), text=value))
    if case.rating:
        rows.append(row(kind, meeting=meeting, field=_("Evaluation: rating"), text=case.rating))
    if case.rating_remark:
        rows.append(
            row(kind, meeting=meeting, field=_("Evaluation: remark"), text=case.rating_remark)
        )
    for goal in goals:
        rows.append(
            row(
                _("goal"),
                meeting=meeting,
                domain=goal.domain.label,
                text=goal.goal,
                current_level=goal.current_level or "",
                target_level=goal.target_level or "",
            )
        )
    for tip in tips:
        cell = {"meeting": meeting, "domain": tip.domain.label, "column": tip.column.label}
        rows.append(
            row(
                _("tip"),
                **cell,
                text=tip.text,
                given_by=tip.given_by,
                organisation=tip.organisation.name if tip.organisation else "",
                hidden=yes_no(tip.hidden),
                chosen=yes_no(tip.chosen),
                decision=tip.get_decision_display() if tip.chosen or tip.decision else "",
                action_who=tip.action_who,
                action_what=tip.action_what,
                action_when=tip.action_when,
            )
        )
        for outcome in tip.outcomes.all():
            # The follow-up names its tip (the text column), so that the row reads alone.
            rows.append(
                row(
                    _("follow-up"),
                    **cell,
                    text=tip.text,
                    tried=yes_no(outcome.tried),
                    result=outcome.get_result_display(),
                    why=outcome.why,
                    reported_in=day(outcome.reported_in.starts_at) if outcome.reported_in else "",
                    reported_by=outcome.reported_by,
                )
            )
    return rows
