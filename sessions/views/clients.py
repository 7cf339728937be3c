"""A client's erasure (the AVG's right to be forgotten): the coordinator confirms, all goes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from akad.http import HtmxHttpRequest
from networks import access
from networks.access import viewer_for

from ..forms.clients import EraseClientForm
from ..selectors.meetings import client_record
from ..selectors.objects import client_for
from ..services.retention import erase_client


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request)
    client = client_for(viewer, pk)
    access.require(viewer.can_erase_clients(client.network_id))
    form = EraseClientForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        erase_client(client=client, actor=request.user.get_username(), user=request.user)
        messages.success(
            request, _("The client is erased: nothing of them is kept, but their number.")
        )
        return redirect("casework:home")
    context = {"client": client, "form": form, **client_record(client)}
    return render(
        request, "sessions/client_erase.html", context, status=422 if form.errors else 200
    )
