"""The overview after logging in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from akad.http import HtmxHttpRequest
from networks.access import viewer_for

from ..selectors.meetings import start_of_today
from ..selectors.overview import overviews


@login_required
@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Per network: the viewer's role, upcoming and recent meetings, cases to review."""
    context = {"overviews": overviews(viewer_for(request)), "today": start_of_today()}
    return render(request, "home.html", context)
