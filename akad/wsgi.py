import os

from django.conf import settings
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application


def refuse_a_weak_secret_key(*, secure: bool, key: str) -> None:
    """In production (SECURE=1) the app does not start with a short or made-up SECRET_KEY.

    Django's own deploy check (security.W009) only warns, and is silenced in the settings
    for that reason: this refusal is stricter than the warning.
    """
    strong = (
        len(key) >= SECRET_KEY_MIN_LENGTH
        and len(set(key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )
    if secure and not strong:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} random characters in "
            "production: make one with "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "akad.settings")
application = get_wsgi_application()
refuse_a_weak_secret_key(secure=getattr(settings, "SECURE", False), key=settings.SECRET_KEY)
