"""`python manage.py demo [--password PW] [--base-url URL]`: the demo story (devtools.story),
fictional people only.

Idempotent: people, networks, memberships and organisations are found by their natural
keys; a network's meetings (with their clients, cases and tips) are only made while the
network has no meetings yet. Every run sets the demo passwords again, and prints a set-up
link (networks.setup_links) for each account that must use two-factor sign-in and has no
app yet: the coordinators and the administrator set up their app with it.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from devtools import builder
from devtools.story import (
    ADMIN_EMAIL,
    DEMO_NAMESPACE,
    NETWORKS,
    CaseSpec,
    MeetingSpec,
    NetworkSpec,
    meeting_time,
)
from networks import access, setup_links, two_factor
from networks.models import Organisation, User
from sessions.models import CaseDiscussion, Meeting, Tip, TipOutcome
from sessions.services import follow_up, guests, live, planning, tips


class Command(BaseCommand):
    help = "Fill the database with a demo story (fictional people; pseudonyms only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for every demo account (default: a new random one, printed).",
        )
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="Where the app is served, for the set-up links (default: SITE_URL).",
        )

    def handle(self, *args, password: str | None = None, base_url: str = "", **options):
        generated = not password
        password = password or secrets.token_urlsafe(12)
        base_url = (base_url or settings.SITE_URL).rstrip("/")
        with transaction.atomic():
            accounts, made = self.build(password)
            links = self.setup_links([email for email, _name, _role in accounts])
        self.stdout.write(
            self.style.SUCCESS("Demo data created.")
            if made
            else "Demo data already present: nothing added, passwords set again."
        )
        self.stdout.write("")
        self.stdout.write(f"{'E-mail':36} {'Name':22} Role")
        for email, name, role in accounts:
            self.stdout.write(f"{email:36} {name:22} {role}")
        self.stdout.write("")
        self.stdout.write(
            "Coordinators and the administrator sign in with a code from an authenticator app "
            "as well. Each sets one up with a set-up link (once each, "
            f"{settings.SETUP_LINK_HOURS} hours; the password is asked there too):"
        )
        for email, path in links:
            self.stdout.write(f"{email:36} {base_url}{path}")
        if not links:
            self.stdout.write("(all of them have an app already)")
        self.stdout.write("")
        label = "Password (generated)" if generated else "Password"
        self.stdout.write(f"{label} for every account: {password}")

    # Building -------------------------------------------------------------------------------

    def build(self, password: str) -> tuple[list[tuple[str, str, str]], bool]:
        accounts: list[tuple[str, str, str]] = []
        admin = self.account(ADMIN_EMAIL, "Beheerder (demo)", password)
        if not admin.is_superuser:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        accounts.append((admin.email, str(admin), "admin"))
        made = False
        now = timezone.localtime()
        for spec in NETWORKS:
            network = self.network(spec)
            organisations = {
                org.name: Organisation.objects.update_or_create(
                    network=network,
                    name=org.name,
                    defaults={
                        "kind": org.kind,
                        "contact": org.contact,
                        "usual_column": network.matrix.columns.get(key=org.column),
                    },
                )[0]
                for org in spec.organisations
            }
            people: dict[str, User] = {}
            for person in spec.people:
                user = self.account(f"{person.local}@{spec.domain}", person.name, password)
                builder.member(
                    network,
                    email=user.email,
                    name=person.name,
                    role=person.role,
                    organisation=organisations.get(person.organisation),
                )
                people[person.local] = user
                accounts.append((user.email, person.name, f"{person.role.label} – {network}"))
            if not network.meetings.exists():
                made = True
                for meeting_spec in spec.meetings:
                    self.meeting(network, meeting_spec, people, organisations, now)
        return accounts, made

    def setup_links(self, emails: list[str]) -> list[tuple[str, str]]:
        """A new set-up link for each account that must use an app and has none yet."""
        links = []
        for user in User.objects.filter(email__in=emails).order_by("email"):
            if access.must_use_two_factor(user) and not two_factor.has_app(user):
                new = setup_links.create_link(user=user, by_name="manage.py demo")
                links.append((user.email, new.path))
        return links

    def account(self, email: str, name: str, password: str) -> User:
        return builder.account(email=email, name=name, password=password)

    def network(self, spec: NetworkSpec):
        return builder.network(name=spec.name, preset_key=spec.preset, district=spec.district)

    def meeting(self, network, spec: MeetingSpec, people, organisations, now) -> Meeting:
        starts_at = meeting_time(spec.when, now)
        meeting = planning.create_meeting(
            network=network,
            starts_at=starts_at,
            place=spec.place,
            facilitator=people[spec.facilitator],
        )
        meeting.attendees.set([people[local] for local in spec.attendees])
        # Others present without an account: "name, organisation" per line.
        for line in filter(None, spec.guests.splitlines()):
            name, _comma, organisation = line.partition(",")
            guests.add_present(
                meeting=meeting, display_name=name, organisation_name=organisation.strip()
            )
        held = starts_at < now
        for case_spec in spec.cases:
            case = planning.add_case_discussion(
                meeting=meeting,
                case_bringer=people[case_spec.case_bringer],
                pseudonym=case_spec.pseudonym,
                birth_year=now.year - case_spec.age,
            )
            live.save_presentation(case=case, **case_spec.presentation)
            if held:
                self.run_discussion(case, case_spec, people, organisations, now)
        return meeting

    def run_discussion(self, case: CaseDiscussion, spec: CaseSpec, people, organisations, now):
        """Play last month's discussion through the steps, then what happened afterwards."""
        network = case.meeting.network
        plans = [
            builder.TipPlan(
                domain=tip_spec.domain,
                column=tip_spec.column,
                text=tip_spec.text,
                given_by=str(people[tip_spec.given_by]),
                organisation=organisations.get(tip_spec.organisation),
                user=people[tip_spec.given_by],
                key=uuid.uuid5(DEMO_NAMESPACE, f"{network.name}/{spec.pseudonym}/{number}"),
                chosen=tip_spec.chosen,
                who=tip_spec.who,
                what=tip_spec.what,
                when=tip_spec.when,
            )
            for number, tip_spec in enumerate(spec.tips, start=1)
        ]
        goals = [
            builder.GoalPlan(domain=key, goal=goal, current=current, target=target)
            for key, goal, current, target in spec.goals
        ]
        made = builder.play(
            case, goals=goals, tip_plans=plans, rating=spec.rating, remark=spec.remark
        )

        # The discussion happened at the meeting, not now: put its clock back.
        starts_at = case.meeting.starts_at + timedelta(minutes=40 * (case.order - 1))
        CaseDiscussion.objects.filter(pk=case.pk).update(
            started_at=starts_at, step_started_at=starts_at + timedelta(minutes=35)
        )
        Tip.objects.filter(case=case).update(created_at=starts_at + timedelta(minutes=20))

        # Afterwards: the client decides, and later the case-bringer reports what came of it.
        reporter = people[spec.case_bringer]
        for tip, tip_spec in zip(made, spec.tips, strict=True):
            if tip_spec.decision:
                tips.record_decision(tip=tip, decision=tip_spec.decision)
            if tip_spec.outcome is not None:
                outcome = follow_up.record_outcome(
                    tip=tip,
                    tried=bool(tip_spec.outcome.result),
                    result=tip_spec.outcome.result,
                    why=tip_spec.outcome.why,
                    reported_by=str(reporter),
                    user=reporter,
                )
                reported_at = min(
                    case.meeting.starts_at + timedelta(days=tip_spec.outcome.days_after),
                    now - timedelta(days=1),
                )
                TipOutcome.objects.filter(pk=outcome.pk).update(created_at=reported_at)
