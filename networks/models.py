"""Networks, people and their roles: the unit of access for everything else."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from matrices.reference import DEFAULT_TIMEBOXES, STEP_KEYS

from .accounts import normalise_email


class EmailUserManager(UserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        email = normalise_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        """E-mail addresses are stored in lower case; log in with any case."""
        return self.get(email=normalise_email(username))

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account; logs in with their e-mail address."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


def default_timeboxes() -> dict[str, int]:
    return dict(DEFAULT_TIMEBOXES)


class Network(models.Model):
    """A wijkzorgnetwerk: everything else belongs to exactly one."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    district = models.CharField(_("district"), max_length=120, blank=True)
    # Its own copy of a preset (networks.services): renaming a column of one network's
    # placemat never renames another's. One-to-one makes sharing a matrix impossible.
    matrix = models.OneToOneField(
        "matrices.Matrix",
        verbose_name=_("compensation matrix"),
        on_delete=models.PROTECT,
        related_name="network",
    )
    timeboxes = models.JSONField(
        _("timeboxes (minutes per step)"), default=default_timeboxes, blank=True
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep client data (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "A client's data are removed this many months after their last case discussion "
            "(python manage.py purge_expired)."
        ),
    )
    # Coordinators and platform administrators always sign in with a second factor
    # (networks.access.must_use_two_factor); this asks it of every member of the network.
    require_two_factor = models.BooleanField(
        _("two-factor sign-in for all members"),
        default=False,
        help_text=_(
            "Every member signs in with a code from an authenticator app as well as their "
            "password (coordinators always do)."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.timeboxes, dict):
            raise ValidationError({"timeboxes": _("Give the minutes per step.")})
        unknown = set(self.timeboxes) - set(STEP_KEYS)
        if unknown:
            raise ValidationError(
                {"timeboxes": _("Unknown steps: %(steps)s") % {"steps": ", ".join(sorted(unknown))}}
            )
        for minutes in self.timeboxes.values():
            if not isinstance(minutes, int) or not 0 <= minutes <= 120:
                raise ValidationError(
                    {"timeboxes": _("Minutes must be whole numbers from 0 to 120.")}
                )

    def timebox_minutes(self, step: str) -> int:
        return int(self.timeboxes.get(step, DEFAULT_TIMEBOXES.get(step, 0)))


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinator")
    FACILITATOR = "facilitator", _("facilitator")
    MEMBER = "member", _("member")


class Membership(models.Model):
    """A user's role in one network."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="one_membership_per_network")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.network} ({self.get_role_display()})"


class Organisation(models.Model):
    """One organisation or initiative on the network's living social map."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    usual_column = models.ForeignKey(
        "matrices.Column",
        verbose_name=_("usual column"),
        help_text=_("The placemat column this organisation usually serves."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="unique_organisation_name")
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The access log is append-only.")

    def delete(self):
        raise TypeError("The access log is append-only.")


class AccessEvent(models.Model):
    """One look at, or change of, a client's data (NEN 7513): who, when, which page.

    Written by `networks.access.fetch`, where access is decided, for every page, fragment,
    PDF and export that shows or changes care data: every change, and a look once per screen,
    page and client in five minutes (`networks.access.LOOK_WINDOW`). Append-only. The client
    and meeting are kept as plain numbers, not links: the log outlives an erased client, and
    holds nothing of what was erased but that number.
    """

    class Kind(models.TextChoices):
        VIEW = "view", _("viewed")
        CHANGE = "change", _("changed")
        ERASE = "erase", _("erased")
        EXPORT = "export", _("exported")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="access_events", verbose_name=_("network")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.CharField(_("who"), max_length=200)  # kept when the account is removed
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    client_number = models.PositiveBigIntegerField(_("client number"), null=True, blank=True)
    meeting_number = models.PositiveBigIntegerField(_("meeting number"), null=True, blank=True)
    page = models.CharField(_("page"), max_length=100)  # the URL name, e.g. casework:console
    path = models.CharField(_("address"), max_length=300)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["network", "client_number", "at"], name="access_by_client"),
            models.Index(fields=["network", "user", "at"], name="access_by_user"),
        ]
        verbose_name = _("access event")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_kind_display()} {self.page}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The access log is append-only.")


class SetupLink(models.Model):
    """A one-time link that lets its person set up two-factor sign-in (their authenticator
    app, and their password if the account has none yet): the only way to a first app for
    someone who must use one (networks.setup_links).

    Made by the platform operator or a coordinator of the person's network and handed over
    out of band. Only the SHA-256 of its token is stored: a copy of the database (a backup)
    holds no working link. A link works once, until `expires_at`, and a newer link for the
    same person replaces it. The rows stay as the record of who let whom set up an app.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="setup_links",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by_name = models.CharField(_("made by (as it was)"), max_length=200)
    reset_devices = models.BooleanField(
        _("reset the devices"),
        default=False,
        help_text=_("The person's app and recovery codes were removed when this link was made."),
    )
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("set-up link")
        verbose_name_plural = _("set-up links")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"
