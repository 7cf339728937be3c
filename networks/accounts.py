"""Logging in with an e-mail address: one spelling per account, for login and for throttling."""

from __future__ import annotations


def normalise_email(value: str | None) -> str:
    """E-mail addresses are stored in lower case, without surrounding spaces."""
    return (value or "").strip().lower()


def throttling_username(request, credentials: dict | None = None) -> str:
    """The account django-axes counts failed logins against (AXES_USERNAME_CALLABLE).

    Without it axes counts per address *as typed*: Fenna@… and FENNA@… would each get
    their own five attempts at the same account.
    """
    source = credentials or getattr(request, "data", request.POST)
    return normalise_email(source.get("username"))
