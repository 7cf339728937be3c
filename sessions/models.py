"""Meetings, pseudonymous clients, case discussions, the tips on the placemat and follow-up."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, time, timedelta

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


# A join code is read off the beamer from the back of the room, read aloud and typed on a
# phone: only characters that neither look alike (0 O Q D, 1 I L — so no lower-case l
# either —, 2 Z, 5 S, 6 G, 8 B, U V) nor sound alike when spelled in Dutch (B C D E G rhyme
# with P and T, M with N, F with S, V with W, H with A and K; Y is "ij"). Eighteen characters,
# six of them: 34 million codes, and wrong codes are throttled (views/join.py).
JOIN_CODE_ALPHABET = "AFJKMPRTWX23456789"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
    return format_join_code(code)


def format_join_code(code: str) -> str:
    """ABCDEF as shown and stored: ABC-DEF."""
    return f"{code[:3]}-{code[3:]}"


def normalise_join_code(typed: str) -> str | None:
    """A typed or scanned code as stored ("akp 7w3", "AKP-7W3", "akp7w3" → "AKP-7W3"), or None
    when it cannot be a code at all (wrong length or characters)."""
    code = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(code) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in code):
        return None
    return format_join_code(code)


class Meeting(models.Model):
    """A bijeenkomst of a network: usually several case discussions.

    `version` goes up on every change the beamer shows, so a poll can answer "unchanged"
    without rendering anything. `room_version` goes up with it on every change but a new tip:
    a phone and the console's attendance show neither the room's tips nor their number, so in
    a round where a tip arrives every few hundred milliseconds their polls stay unchanged.
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
        settings.AUTH_USER_MODEL,
        verbose_name=_("members present"),
        help_text=_("Members of the network who were there (also those who joined by phone)."),
        blank=True,
        related_name="+",
    )
    join_code = models.CharField(_("join code"), max_length=7, unique=True, default=new_join_code)
    joining_open = models.BooleanField(
        _("joining open"),
        default=True,
        help_text=_("Whether people in the room can still join with the code."),
    )
    closed_at = models.DateTimeField(
        _("closed at"),
        null=True,
        blank=True,
        help_text=_("Once closed, the join code no longer works and guests see nothing more."),
    )
    current_case = models.ForeignKey(
        "casework.CaseDiscussion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    room_version = models.PositiveIntegerField(default=1, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%d-%m-%Y %H:%M")
        return f"{self.network} {when}"

    # Guests belong to the meeting as it happens: from the morning of its day until it is
    # closed, and at the latest this long after it started (a code copied last month, or a
    # meeting nobody closed, opens nothing).
    GUEST_HOURS_AFTER_START = timedelta(hours=12)

    def takes_guests(self, now: datetime | None = None) -> bool:
        """Whether guests of this meeting may act (see the case, give tips)."""
        now = now or timezone.now()
        day_start = timezone.make_aware(
            datetime.combine(timezone.localtime(self.starts_at).date(), time.min)
        )
        return (
            self.closed_at is None
            and day_start <= now <= self.starts_at + self.GUEST_HOURS_AFTER_START
        )

    def joinable(self, now: datetime | None = None) -> bool:
        """Whether its join code works now."""
        return self.joining_open and self.takes_guests(now)


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
    # Moderation: new tips from phones wait (held) until the facilitator shows them, so that
    # the group writes without anchoring on the first idea.
    hold_phone_tips = models.BooleanField(_("hold tips from phones until shown"), default=False)

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
        return self.timer_runs(self.step_started_at, now)

    @classmethod
    def timer_runs(cls, step_started_at: datetime | None, now: datetime) -> bool:
        """Whether a step that began at `step_started_at` still counts down at `now`."""
        return step_started_at is not None and now - step_started_at < cls.STEP_TIMER_LIMIT

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


class GuestQuerySet(NetworkScopedQuerySet):
    network_path = "meeting__network"
    meeting_path = "meeting"


def hash_token(token: str) -> str:
    """What is stored of a guest's secret: the session holds the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


class Guest(models.Model):
    """Someone present at a meeting, for attendance and for tips from their phone.

    Three kinds: a participant who joined from a phone with the code (no account: their
    session holds the secret whose hash is `token_hash`), a member who joined with their
    account (`user`, also a secret for the phone pages), and someone present without a phone
    whom the facilitator added (no secret). The organisation is one of the network's social
    map, or typed when it is not on it.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    display_name = models.CharField(_("name"), max_length=60)
    organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation_name = models.CharField(
        _("organisation (not on the social map)"), max_length=150, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    objects = GuestQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "display_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="one_guest_row_per_member",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(organisation_name=""),
                name="guest_organisation_chosen_or_typed",
            ),
        ]
        verbose_name = _("person present")
        verbose_name_plural = _("people present")

    def __str__(self) -> str:
        organisation = self.organisation_label
        return f"{self.display_name} ({organisation})" if organisation else self.display_name

    def clean(self) -> None:
        """The admin writes past the services, which check this themselves."""
        if self.organisation_id and self.organisation_name:
            raise ValidationError(
                {"organisation_name": _("Pick an organisation or type one, not both.")}
            )
        if (
            self.organisation_id
            and self.meeting_id
            and self.organisation.network_id != self.meeting.network_id
        ):
            raise ValidationError({"organisation": _("Pick an organisation of this network.")})

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name

    @property
    def has_phone(self) -> bool:
        return self.token_hash is not None

    @property
    def network_id(self) -> int:
        return self.meeting.network_id

    @property
    def shown_client_id(self) -> int | None:
        """The client whose case the guest's phone shows now (the meeting's current case)."""
        case = self.meeting.current_case
        return case.client_id if case is not None else None


class TipQuerySet(NetworkScopedQuerySet):
    network_path = "case__meeting__network"
    client_path = "case__client"
    meeting_path = "case__meeting"


TIP_MAX_LENGTH = 500


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
    text = models.CharField(_("tip"), max_length=TIP_MAX_LENGTH)
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
    guest = models.ForeignKey(
        Guest,
        verbose_name=_("sent from the phone of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tips",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moderation. A held tip waits for the facilitator's "show" (or for the tips step, when it
    # came in during the domains step); a hidden one is on neither the beamer nor a report.
    held = models.BooleanField(_("held until shown"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)

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
