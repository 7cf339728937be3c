"""The client's rights under the AVG, the coordinator's to answer: access (art. 15: one file
with everything the app holds about them) and erasure (art. 17: confirmed, then all goes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from akad.csv_export import csv_response, file_name
from akad.http import HtmxHttpRequest
from networks import access
from networks.access import viewer_for

from ..forms.clients import EraseClientForm
from ..selectors.clients import client_rows, header
from ..selectors.meetings import client_record
from ..selectors.objects import client_for, client_to_export
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
    context = {
        "client": client,
        "form": form,
        "can_export": viewer.can_export(client.network_id),
        **client_record(client),
    }
    return render(
        request, "sessions/client_erase.html", context, status=422 if form.errors else 200
    )


@login_required
@require_GET
@never_cache
def export(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Everything the app holds about the client, as one CSV file (logged as an export)."""
    client = client_to_export(viewer_for(request), pk)
    # Translators: start of the client data file's name; lower case, words joined by "-".
    prefix = pgettext("CSV file name", "akad-client-data")
    # A pseudonym of emoji or non-Latin letters has no ASCII slug: the number stands in.
    name = slugify(client.pseudonym) or str(client.pk)
    filename = file_name(prefix, name, timezone.localdate().isoformat())
    return csv_response(filename=filename, header=header(), rows=client_rows(client))
