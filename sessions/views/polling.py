"""The cheap path of a poll: a signed, short-lived pass and the meeting's version.

A page that follows the room (the beamer, a phone, the console's attendance) is handed a pass
for its meeting when it is rendered through the full access checks. Its polls then send the
pass and the version they show: when the version is the same, the answer is 204 after one
query, without loading the session or the user. Every change a poll would show raises the
version (services.versions.touch), removing a guest or closing the meeting included, so the
next poll takes the full path and its checks again; so does a pass older than PASS_MAX_AGE.
Phones and the attendance compare `Meeting.room_version`, which a new tip leaves alone.
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest

from akad.http import is_whole_number

from ..models import Meeting

PASS_MAX_AGE = 10 * 60  # seconds


def make_pass(*, salt: str, meeting_pk: int, who: int | None) -> str:
    return signing.dumps([meeting_pk, who], salt=salt, compress=True)


def unchanged(
    request: HttpRequest, meeting_pk: int, *, salt: str, field: str = "room_version"
) -> bool:
    """Whether the poll carries a valid pass for this meeting and its version is the same
    (`Meeting.room_version` for the phones and the attendance: a new tip is not theirs)."""
    token, seen = request.GET.get("pass", ""), request.GET.get("v", "")
    if not token or not is_whole_number(seen):
        return False
    try:
        meeting_id, _who = signing.loads(token, salt=salt, max_age=PASS_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    if meeting_id != meeting_pk:
        return False
    version = (
        Meeting.objects.filter(pk=meeting_pk).order_by().values_list(field, flat=True).first()
    )
    return version is not None and version == int(seen)
