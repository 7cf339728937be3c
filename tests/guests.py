"""Helpers for tests with people in the room: join a meeting as a guest, send tips from a phone."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.test import Client
from django.urls import reverse

from sessions.models import CaseDiscussion, Guest, Meeting

PHONE = {"HTTP_X_AKAD_PHONE": "1"}  # the header phone.js sends


def code_path(meeting: Meeting) -> str:
    return reverse("casework:join_code", kwargs={"code": meeting.join_code.replace("-", "")})


def join_as(
    meeting: Meeting,
    name: str = "Anna",
    *,
    client: Client | None = None,
    organisation=None,
    organisation_name: str = "",
    **client_kwargs,
) -> Client:
    """A phone (a client in English) that joined `meeting` with its code."""
    client = client or Client(**client_kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        code_path(meeting),
        {
            "display_name": name,
            "organisation": organisation.pk if organisation is not None else "",
            "organisation_name": organisation_name,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == reverse("casework:phone", args=[meeting.pk])
    return client


def guest_of(client: Client) -> Guest:
    from networks.access import GUEST_SESSION_KEY
    from sessions.models import hash_token

    return Guest.objects.get(token_hash=hash_token(client.session[GUEST_SESSION_KEY]))


def phone_tip(
    client: Client,
    case: CaseDiscussion,
    text: str = "Samen boodschappen doen",
    *,
    key: uuid.UUID | str | None = None,
    domain=None,
    column=None,
    js: bool = True,
):
    """Send a tip from the phone as phone.js does (or as a plain form post, js=False)."""
    domain = domain or case.goals.order_by("domain__order").first().domain
    column = column or case.meeting.network.matrix.columns.order_by("order").first()
    data = {
        "key": str(key or uuid.uuid4()),
        "case": case.pk,
        "domain": domain.pk,
        "column": column.pk,
        "text": text,
    }
    url = reverse("casework:phone_add_tip", args=[case.meeting_id])
    return client.post(url, data, **(PHONE if js else {}))


def poll_url(html: str, name: str = "phone-room") -> str:
    element = re.search(rf'id="{name}"[^>]*', html).group(0)
    return re.search(r'hx-get="([^"]+)"', element).group(1).replace("&amp;", "&")
