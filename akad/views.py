"""Project-wide views: the answer to a refused form (CSRF)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from .http import HtmxHttpRequest


def csrf_failure(request: HtmxHttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (CSRF): the page was open too long, or the user logged in again elsewhere.

    The header tells app.js to say so ("reload the page") instead of "not allowed".
    """
    response = render(request, "403_csrf.html", status=403)
    response["X-Akad-Reason"] = "expired"
    return response
