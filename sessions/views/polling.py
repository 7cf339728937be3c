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

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from akad.http import is_whole_number

from ..models import Meeting
from ..selectors.meetings import version_of

PASS_MAX_AGE = 10 * 60  # seconds
CONSOLE_FOLLOW_SALT = "akad.console-follow"


def make_pass(*, salt: str, meeting_pk: int, who: int | None) -> str:
    return signing.dumps([meeting_pk, who], salt=salt, compress=True)


def unchanged(request: HttpRequest, meeting_pk: int, *, salt: str) -> bool:
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
        Meeting.objects.filter(pk=meeting_pk)
        .order_by()
        .values_list("room_version", flat=True)
        .first()
    )
    return version is not None and version == int(seen)


# A pass bound to the login session: for the screens behind a login (beamer, console). It holds a
# keyed hash of the session key, and the one query of an unchanged poll asks for the version
# only while that session lasts (selectors.meetings.version_of): after a logout or a time-out
# the poll takes the full path, which sends it to the login.


def session_digest(salt: str, session_key: str) -> str:
    return salted_hmac(salt, session_key, algorithm="sha256").hexdigest()


def make_session_pass(request: HttpRequest, *, salt: str, pk: int, meeting_pk: int) -> str:
    """A pass for the poll of object `pk` (the URL's), which shows meeting `meeting_pk`."""
    digest = session_digest(salt, request.session.session_key or "")
    return signing.dumps([pk, meeting_pk, digest], salt=salt, compress=True)


def unchanged_in_session(request: HttpRequest, pk: int, *, salt: str) -> bool:
    """Whether the poll's pass is this session's and this URL's, and the version of the
    meeting it shows (`Meeting.version`) is the one the poll shows. Reads the session key
    from the cookie, not `request.session`: loading the session would cost the query the
    poll is meant to save."""
    token, seen = request.GET.get("pass", ""), request.GET.get("v", "")
    if not token or not is_whole_number(seen):
        return False
    try:
        for_pk, meeting_pk, digest = signing.loads(token, salt=salt, max_age=PASS_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if for_pk != pk or not session_key:
        return False
    if not constant_time_compare(digest, session_digest(salt, session_key)):
        return False
    return version_of(meeting_pk, session_key=session_key) == int(seen)
