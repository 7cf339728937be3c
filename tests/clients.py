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
