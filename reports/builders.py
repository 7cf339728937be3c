"""What the reports show: per case discussion its presentation, placemat and chosen tips.

The number of queries does not grow with the number of tips: one placemat (a fixed handful
of queries) per case.
"""

from __future__ import annotations

from dataclasses import dataclass

from sessions.models import CaseDiscussion, Meeting, Tip
from sessions.selectors.attendance import attendance
from sessions.selectors.follow_up import follow_ups_reported_in
from sessions.selectors.placemat import RECORD, Cell, Placemat, Row, placemat


@dataclass
class ChosenTip:
    row: Row
    cell: Cell
    tip: Tip


@dataclass
class CaseReport:
    """What the report shows of one case discussion."""

    case: CaseDiscussion
    placemat: Placemat

    @property
    def case_bringer(self):
        return self.case.case_bringer or self.case.client.case_bringer

    @property
    def presentation(self) -> list[tuple[str, str]]:
        return [
            (CaseDiscussion._meta.get_field(name).verbose_name, getattr(self.case, name))
            for name in CaseDiscussion.PRESENTATION_FIELDS
        ]

    @property
    def chosen(self) -> list[ChosenTip]:
        """Chosen tips with their row and cell, so no tip needs its domain or column loaded."""
        return [
            ChosenTip(row, cell, tip)
            for row in self.placemat.rows
            for cell in row.cells
            for tip in cell.tips
            if tip.chosen
        ]


def case_report(case: CaseDiscussion) -> CaseReport:
    # Hidden tips were moderated away in the room: they are not part of the record.
    return CaseReport(case=case, placemat=placemat(case, with_outcomes=True, tips_for=RECORD))


def meeting_report(meeting: Meeting) -> dict:
    """The meeting report: who was there (organisations), every case on the agenda, and the
    follow-ups reported in it."""
    cases = meeting.cases.select_related("client__case_bringer", "case_bringer").order_by(
        "order", "pk"
    )
    return {
        "meeting": meeting,
        "attendance": attendance(meeting),
        "reports": [case_report(case) for case in cases],
        "follow_ups": list(follow_ups_reported_in(meeting)),
    }
