"""One way to build a world for the demo, the benchmark and the tests: through the services.

Everything is written as the app writes it (the same checks, the same version bumps), so
a demo or benchmark world is one the app could have made itself.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from matrices.models import Column, Domain, Level, Matrix
from networks.models import Membership, Network, Organisation, Role, User
from networks.services import create_network
from sessions.models import CaseDiscussion, Step, Tip
from sessions.services import live, tips


def network(*, name: str, preset_key: str = "akad", district: str = "") -> Network:
    """The network called `name`, made on its own copy of a preset if it does not exist yet."""
    existing = Network.objects.filter(name=name).select_related("matrix").first()
    if existing is not None:
        return existing
    preset = Matrix.objects.get(preset_key=preset_key)
    return create_network(name=name, district=district, preset=preset)


def account(*, email: str, name: str, password: str | None = None) -> User:
    """The account with this address (made if missing); `password` is set every time."""
    user, _created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def member(
    network: Network,
    *,
    email: str,
    name: str,
    role: Role = Role.MEMBER,
    password: str | None = None,
    organisation: Organisation | None = None,
) -> User:
    user = account(email=email, name=name, password=password)
    Membership.objects.update_or_create(
        user=user, network=network, defaults={"role": role, "organisation": organisation}
    )
    return user


@dataclass
class GoalPlan:
    domain: str  # key of a domain of the network's ZRM
    goal: str = ""
    current: int | None = None  # ZRM level scores
    target: int | None = None


@dataclass
class TipPlan:
    domain: str  # domain key
    column: str  # column key of the network's placemat
    text: str
    given_by: str = ""
    organisation: Organisation | None = None
    user: User | None = None
    key: uuid.UUID = field(default_factory=uuid.uuid4)
    # Afronding: taken to the client, with the action.
    chosen: bool = False
    who: str = ""
    what: str = ""
    when: str = ""


def play(
    case: CaseDiscussion,
    *,
    goals: list[GoalPlan],
    tip_plans: list[TipPlan],
    until: Step = Step.EVALUATION,
    rating: int | None = None,
    remark: str = "",
) -> list[Tip]:
    """Run a case discussion through its steps as a facilitator would, up to `until`.

    Marks the goals in the domains step, adds the tips in the tips step, takes the chosen
    ones to the client in the closing step and rates the session in the evaluation.
    """
    matrix = case.meeting.network.matrix
    domains = {d.key: d for d in Domain.objects.filter(domain_set_id=matrix.domain_set_id)}
    columns = {c.key: c for c in Column.objects.filter(matrix_id=matrix.pk)}
    levels = {level.score: level for level in Level.objects.all()}
    order = list(Step)
    made: list[Tip] = []
    for step in order[: order.index(until) + 1]:
        live.go_to_step(case=case, step=step)
        if step == Step.DOMAINS:
            for plan in goals:
                live.set_domain_goal(
                    case=case,
                    domain=domains[plan.domain],
                    goal=plan.goal,
                    current_level=levels.get(plan.current),
                    target_level=levels.get(plan.target),
                )
        elif step == Step.TIPS:
            for plan in tip_plans:
                tip, _created = tips.add_tip(
                    case=case,
                    key=plan.key,
                    domain=domains[plan.domain],
                    column=columns[plan.column],
                    text=plan.text,
                    given_by=plan.given_by,
                    organisation=plan.organisation,
                    user=plan.user,
                )
                made.append(tip)
        elif step == Step.CLOSING:
            for tip, plan in zip(made, tip_plans, strict=True):
                if plan.chosen:
                    tips.choose_tip(
                        tip=tip,
                        chosen=True,
                        action_who=plan.who,
                        action_what=plan.what,
                        action_when=plan.when,
                    )
        elif step == Step.EVALUATION and rating is not None:
            live.rate_session(case=case, rating=rating, remark=remark)
    return made
