"""`python manage.py setup_link EMAIL [--reset] [--base-url URL]`: the operator's set-up link.

For an account that must use two-factor sign-in and has no app yet (existing coordinators,
the first administrator after `createsuperuser`), or with `--reset` after a lost phone: it
prints a one-time link (networks.setup_links) to hand to that person out of band. The link
is shown only here; the database keeps its hash.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from networks import setup_links
from networks.accounts import normalise_email
from networks.models import User


class Command(BaseCommand):
    help = "Print a one-time link with which a person sets up two-factor sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's e-mail address (their login).")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove their app and recovery codes first (a lost or stolen phone).",
        )
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help=f"Where people open the app (default: SITE_URL, {settings.SITE_URL}).",
        )

    def handle(self, *args, email: str, reset: bool, base_url: str, **options) -> None:
        user = User.objects.filter(email=normalise_email(email)).first()
        if user is None:
            raise CommandError(f"No account with the address {email}.")
        if not user.is_active:
            raise CommandError(f"The account {user.email} is not active.")
        new = setup_links.create_link(user=user, by_name="manage.py setup_link", reset=reset)
        until = timezone.localtime(new.link.expires_at)
        if reset:
            self.stdout.write(f"The app and recovery codes of {user.email} were removed.")
        self.stdout.write(
            f"Set-up link for {user.email}, once, until {until:%Y-%m-%d %H:%M} "
            "(older links stop working). Hand it over yourself, not in the e-mail with a password:"
        )
        self.stdout.write(f"{base_url.rstrip('/')}{new.path}")
