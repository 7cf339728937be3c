"""Who is in the room: people present by organisation and by the column each organisation
usually serves, the perspectives present, and who of the social map is missing.

The people present are the meeting's guest rows (joined from a phone, with an account, or
added by the facilitator) and the members recorded as attendees without one (the admin).
Five queries, whatever the number of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matrices.models import Column
from networks.models import Membership, Organisation

from ..models import Guest, Meeting


@dataclass
class Person:
    name: str
    guest: Guest | None = None  # None: a member recorded as present in the admin
    has_phone: bool = False
    is_member: bool = False


@dataclass
class PresentOrganisation:
    """One organisation (or one typed name) with the people who came for it."""

    label: str
    organisation: Organisation | None
    people: list[Person] = field(default_factory=list)


@dataclass
class ColumnGroup:
    """The organisations that usually serve one placemat column (None: not known)."""

    column: Column | None
    present: list[PresentOrganisation] = field(default_factory=list)
    missing: list[Organisation] = field(default_factory=list)


@dataclass
class Attendance:
    people: list[Person]
    groups: list[ColumnGroup]  # the placemat's columns in order, then the unknown column
    without_organisation: list[Person]

    @property
    def count(self) -> int:
        return len(self.people)

    @property
    def perspectives(self) -> int:
        """Organisations present: each brings its own view of what the neighbourhood offers."""
        return sum(len(group.present) for group in self.groups)

    @property
    def column_count(self) -> int:
        return sum(1 for group in self.groups if group.column is not None)

    @property
    def columns_present(self) -> int:
        return sum(1 for group in self.groups if group.column is not None and group.present)

    @property
    def missing_count(self) -> int:
        return sum(len(group.missing) for group in self.groups)

    @property
    def organisations_present(self) -> list[PresentOrganisation]:
        return [present for group in self.groups for present in group.present]


def attendance(meeting: Meeting) -> Attendance:
    """Everyone present at `meeting` (its network loaded), grouped for the console and report."""
    guests = list(
        meeting.guests.filter(removed_at__isnull=True)
        .select_related("organisation")
        .order_by("display_name", "pk")
    )
    people: list[tuple[Person, Organisation | None, str]] = [
        (
            Person(
                name=guest.display_name,
                guest=guest,
                has_phone=guest.has_phone,
                is_member=guest.user_id is not None,
            ),
            guest.organisation,
            guest.organisation_name,
        )
        for guest in guests
    ]
    with_rows = {guest.user_id for guest in guests if guest.user_id}
    members = (
        Membership.objects.filter(
            network_id=meeting.network_id, user__in=meeting.attendees.values("pk")
        )
        .exclude(user_id__in=with_rows)
        .select_related("user", "organisation")
        .order_by("user__display_name", "user__email")
    )
    people += [(Person(name=str(m.user), is_member=True), m.organisation, "") for m in members]

    columns = Column.objects.filter(matrix_id=meeting.network.matrix_id).order_by("order")
    groups = {column.pk: ColumnGroup(column) for column in columns}
    unknown = ColumnGroup(None)
    by_organisation: dict[object, PresentOrganisation] = {}
    without: list[Person] = []
    for person, organisation, typed in people:
        if organisation is None and not typed:
            without.append(person)
            continue
        key = organisation.pk if organisation is not None else typed.casefold()
        if key not in by_organisation:
            label = organisation.name if organisation is not None else typed
            present = by_organisation[key] = PresentOrganisation(label, organisation)
            column_id = organisation.usual_column_id if organisation is not None else None
            groups.get(column_id, unknown).present.append(present)
        by_organisation[key].people.append(person)

    for organisation in Organisation.objects.filter(network_id=meeting.network_id).order_by("name"):
        if organisation.pk not in by_organisation:
            groups.get(organisation.usual_column_id, unknown).missing.append(organisation)
    for group in [*groups.values(), unknown]:
        group.present.sort(key=lambda present: present.label.casefold())
    return Attendance(
        people=[person for person, _organisation, _typed in people],
        groups=[*groups.values(), unknown],
        without_organisation=without,
    )
