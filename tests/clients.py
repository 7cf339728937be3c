"""Test clients shared by the test modules."""

from django.conf import settings
from django.test import Client

HTMX = {"HTTP_HX_REQUEST": "true"}  # the header htmx sends with every request


def english_client(user) -> Client:
    """A logged-in client that chose English, so the assertions survive the Dutch pass."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def password_only_login(client: Client, user) -> None:
    """Log in as `force_login` does, but without the second factor (a session from before
    the rule applied to this user): tests/conftest.py's force_login adds that factor."""
    client.password_only_login(user)
