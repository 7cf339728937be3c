"""Meetings, pseudonymous clients, case discussions, the tips on the placemat and follow-up."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.access import NetworkScopedQuerySet


class Step(models.TextChoices):
    """The seven steps of an AKAD case discussion, in order (keys as in the reference data)."""

    OPENING = "opening", _("Opening")
    FOLLOW_UP = "terugblik", _("Follow-up")
    PRESENTATION = "casusinbreng", _("Case presentation")
    DOMAINS = "domeinen", _("Domains and goals")
    TIPS = "tips", _("Tips from left to right")
    CLOSING = "afronding", _("Closing and agreements")
    EVALUATION = "evaluatie", _("Evaluation")

    @property
    def number(self) -> int:
        return list(Step).index(self) + 1


class ClientQuerySet(NetworkScopedQuerySet):
    client_path = "pk"


class MeetingQuerySet(NetworkScopedQuerySet):
    meeting_path = "pk"


class Client(models.Model):
    """The person a case is about. Pseudonym only: never a name, BSN, address or birth date."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="clients"
    )
    pseudonym = models.CharField(
        _("pseudonym"),
        max_length=60,
        help_text=_("A made-up name. Never the client's real name, BSN, address or birth date."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    case_bringer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case-bringer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clients",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["pseudonym"]
        constraints = [
            models.UniqueConstraint(fields=["network", "pseudonym"], name="unique_pseudonym")
        ]
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return self.pseudonym


JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_join_code() -> str:
    code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))
    return f"{code[:3]}-{code[3:]}"


class Meeting(models.Model):
    """A bijeenkomst of a network: usually several case discussions.

    `version` goes up on every change the beamer shows, so a poll can answer "unchanged"
    without rendering anything.
    """

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=150, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_meetings",
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), blank=True, related_name="+"
    )
    guests = models.TextField(
        _("guests"), blank=True, help_text=_("Others present, one per line, with organisation.")
    )
    join_code = models.CharField(_("join code"), max_length=7, unique=True, default=new_join_code)
    current_case = models.ForeignKey(
        "casework.CaseDiscussion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%d-%m-%Y %H:%M")
        return f"{self.network} {when}"


class CaseDiscussionQuerySet(NetworkScopedQuerySet):
    network_path = "meeting__network"
    client_path = "client"
    meeting_path = "meeting"


PRESENTATION_MAX = 4000  # characters per presentation field: a few minutes of telling


class CaseDiscussion(models.Model):
    """One 30–40 minute discussion of one client in a meeting, driven step by step."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cases")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="discussions")
    case_bringer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case-bringer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="brought_cases",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    # The presentation (casusinbreng), told positively.
    situation = models.TextField(
        _("current life situation"), blank=True, max_length=PRESENTATION_MAX
    )
    social_network = models.TextField(
        _("client's network"), blank=True, max_length=PRESENTATION_MAX
    )
    strengths = models.TextField(
        _("strengths and talents"), blank=True, max_length=PRESENTATION_MAX
    )
    desired_situation = models.TextField(
        _("desired situation"), blank=True, max_length=PRESENTATION_MAX
    )
    question = models.TextField(_("question to the group"), blank=True, max_length=PRESENTATION_MAX)

    step = models.CharField(_("step"), max_length=20, choices=Step.choices, default=Step.OPENING)
    step_started_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    spotlight = models.ForeignKey(
        "matrices.Column",
        verbose_name=_("column in the spotlight"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_remark = models.CharField(_("remark"), max_length=300, blank=True)

    objects = CaseDiscussionQuerySet.as_manager()

    PRESENTATION_FIELDS = (
        "situation",
        "social_network",
        "strengths",
        "desired_situation",
        "question",
    )

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "client"], name="one_discussion_per_meeting"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="rating_1_to_5",
            ),
        ]
        verbose_name = _("case discussion")
        verbose_name_plural = _("case discussions")

    def __str__(self) -> str:
        return f"{self.client} ({self.meeting})"

    # A step's timer belongs to the meeting itself: a step started longer ago than this (a
    # case left in a step, looked at days later) shows its start date instead of a clock.
    STEP_TIMER_LIMIT = timedelta(hours=12)

    @property
    def current_step(self) -> Step:
        return Step(self.step)

    def step_timer_runs(self, now: datetime) -> bool:
        """Whether the current step's countdown still means something at `now`."""
        return (
            self.step_started_at is not None and now - self.step_started_at < self.STEP_TIMER_LIMIT
        )

    def clean(self) -> None:
        """What a case links to belongs to its meeting's network (the admin writes past the
        services, which check this themselves)."""
        if not self.meeting_id:
            return
        network = self.meeting.network
        errors = {}
        if self.client_id and self.client.network_id != network.pk:
            errors["client"] = _("This client belongs to another network.")
        if (
            self.case_bringer_id
            and not network.memberships.filter(user=self.case_bringer_id).exists()
        ):
            errors["case_bringer"] = _("The case-bringer must be a member of this network.")
        if self.spotlight_id and self.spotlight.matrix_id != network.matrix_id:
            errors["spotlight"] = _("This column is not on the placemat.")
        if errors:
            raise ValidationError(errors)


class DomainGoal(models.Model):
    """A ZRM domain marked for this case: the client's wish or goal, optional levels."""

    case = models.ForeignKey(CaseDiscussion, on_delete=models.CASCADE, related_name="goals")
    domain = models.ForeignKey("matrices.Domain", on_delete=models.PROTECT, related_name="+")
    goal = models.CharField(_("wish or goal"), max_length=300, blank=True)
    current_level = models.ForeignKey(
        "matrices.Level",
        verbose_name=_("current level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_level = models.ForeignKey(
        "matrices.Level",
        verbose_name=_("target level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["domain__order"]
        constraints = [
            models.UniqueConstraint(fields=["case", "domain"], name="one_goal_per_domain")
        ]
        verbose_name = _("domain goal")
        verbose_name_plural = _("domain goals")

    def __str__(self) -> str:
        return f"{self.domain}: {self.goal}"

    def clean(self) -> None:
        if self.case_id and self.domain_id:
            matrix = self.case.meeting.network.matrix
            if self.domain.domain_set_id != matrix.domain_set_id:
                raise ValidationError({"domain": _("This domain is not in the network's ZRM.")})


class TipQuerySet(NetworkScopedQuerySet):
    network_path = "case__meeting__network"
    client_path = "case__client"
    meeting_path = "case__meeting"


class Decision(models.TextChoices):
    PENDING = "", _("not yet discussed")
    ACCEPTED = "accepted", _("client wants to try it")
    DECLINED = "declined", _("client does not want it")


class Tip(models.Model):
    """One idea in one cell of the placemat (domain × column).

    `key` is made when the form is shown; the unique constraint turns a double click or a
    retry into the same tip instead of a second one.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CaseDiscussion, on_delete=models.CASCADE, related_name="tips")
    domain = models.ForeignKey(
        "matrices.Domain", verbose_name=_("domain"), on_delete=models.PROTECT, related_name="+"
    )
    column = models.ForeignKey(
        "matrices.Column", verbose_name=_("column"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("tip"), max_length=500)
    given_by = models.CharField(_("given by"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tips",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # After the session: the case-bringer's choice, the client's decision, the action.
    chosen = models.BooleanField(_("take to the client"), default=False)
    decision = models.CharField(
        _("client's decision"), max_length=10, choices=Decision.choices, blank=True, default=""
    )
    action_who = models.CharField(_("who"), max_length=100, blank=True)
    action_what = models.CharField(_("what"), max_length=300, blank=True)
    action_when = models.CharField(_("when"), max_length=100, blank=True)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        """The tip's cell is on its case's placemat; its organisation is of the same network."""
        if not self.case_id:
            return
        network = self.case.meeting.network
        errors = {}
        if self.domain_id and not self.case.goals.filter(domain=self.domain_id).exists():
            errors["domain"] = _("Pick a marked domain.")
        if self.column_id and self.column.matrix_id != network.matrix_id:
            errors["column"] = _("This column is not on the placemat.")
        if self.organisation_id and self.organisation.network_id != network.pk:
            errors["organisation"] = _("Unknown organisation.")
        if errors:
            raise ValidationError(errors)


class Result(models.TextChoices):
    WORKED = "worked", _("worked")
    PARTLY = "partly", _("partly worked")
    DID_NOT_WORK = "not", _("did not work")


class TipOutcome(models.Model):
    """Follow-up (terugblik) on a chosen tip: tried or not, what it did, and why.

    `key` comes from the form, as a tip's does: a double click or a retry stores one
    follow-up. A tip may get several over time (tried later after all), each with its own
    key; those written without a form (admin, demo) have none.
    """

    key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="outcomes")
    tried = models.BooleanField(_("tried"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    why = models.TextField(_("why"), blank=True)
    reported_in = models.ForeignKey(
        Meeting,
        verbose_name=_("reported in meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    reported_by = models.CharField(_("reported by"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(tried=True) & ~Q(result="")) | (Q(tried=False) & Q(result="")),
                name="result_only_when_tried",
            )
        ]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.tip}: {self.get_result_display() or _('not tried')}"

    def clean(self) -> None:
        if self.tip_id and self.reported_in_id:
            if self.reported_in.network_id != self.tip.case.meeting.network_id:
                raise ValidationError(
                    {"reported_in": _("That meeting belongs to another network.")}
                )


class TipTally(models.Model):
    """Counts of tips that are no longer stored (their client was erased or expired).

    The network's report numbers (tips and outcomes per column over time) go on adding these,
    so that they stay correct without the client: the tally holds numbers only, per meeting
    and placemat column, never a text or a link to the client.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tallies")
    column = models.ForeignKey(
        "matrices.Column", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    formality = models.PositiveSmallIntegerField(_("formality"))
    tips = models.PositiveIntegerField(default=0)
    chosen = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    worked = models.PositiveIntegerField(default=0)
    partly = models.PositiveIntegerField(default=0)
    not_worked = models.PositiveIntegerField(default=0)
    not_tried = models.PositiveIntegerField(default=0)

    COUNTS = ("tips", "chosen", "accepted", "worked", "partly", "not_worked", "not_tried")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "column"], name="one_tally_per_cell")
        ]
        verbose_name = _("tally of removed tips")
        verbose_name_plural = _("tallies of removed tips")

    def __str__(self) -> str:
        return f"{self.meeting}: {self.tips}"
