"""Accounts (changing one's own password) and the coordinator's access log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from akad.http import HtmxHttpRequest

from . import access
from .forms import AccessLogFilter
from .selectors import access_events, client_names, people

EVENTS_PER_PAGE = 50


class PasswordChange(SuccessMessageMixin, PasswordChangeView):
    """Change your own password (the first one came from a coordinator or the admin).

    Django logs out every other session of the account and keeps this one.
    """

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("casework:home")
    success_message = _("Your password has been changed. Other devices are logged out.")


@login_required
@require_GET
def access_log(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who viewed or changed which client's data, when, where: for the network's coordinator."""
    viewer = access.viewer_for(request)
    network = access.network_for(viewer, pk)
    access.require(viewer.can_read_access_log(network.pk))
    names = client_names(network)
    form = AccessLogFilter(request.GET or None, clients=list(names.items()), people=people(network))
    filters = form.cleaned_data if form.is_valid() else {}
    events = access_events(network, **{k: v for k, v in filters.items() if v is not None})
    page = Paginator(events.select_related("user"), EVENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for event in page:
        event.client_name = names.get(event.client_number)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"network": network, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "networks/access_log.html", context)
