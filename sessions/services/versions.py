"""The meeting's version: every change a beamer or a report shows raises it.

A beamer poll compares versions to answer "unchanged" without rendering anything, and a
rendered report is cached under the version it shows.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import get_language

from ..models import Meeting


def raised(*, room: bool = True) -> dict:
    """The update that gives meetings a new version; with `room` (every change but a new tip)
    a new `Meeting.room_version` too, which the phones and the attendance follow."""
    versions = {"version": F("version") + 1}
    if room:
        versions["room_version"] = F("room_version") + 1
    return versions


def touch(meeting_id: int, *, room: bool = True) -> None:
    """The meeting changed: its beamers render again, its reports are made anew; with `room`
    its phones and attendance too."""
    # As the ORM's update does: a failed write marks the transaction for rollback.
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(_touch_sql(room), [meeting_id])


# Every tip and every step sends this: written out once, not built by the ORM each time.
@functools.cache
def _touch_sql(room: bool) -> str:
    quote = connection.ops.quote_name
    columns = [quote(Meeting._meta.get_field(name).column) for name in raised(room=room)]
    raise_them = ", ".join(f"{column} = {column} + 1" for column in columns)
    return (
        f"UPDATE {quote(Meeting._meta.db_table)} SET {raise_them} "
        f"WHERE {quote(Meeting._meta.pk.column)} = %s"
    )


def touch_networks(network_ids: Iterable[int]) -> None:
    """Give every meeting of these networks a new version: beamers re-render, reports renew.

    For changes made outside the services (the admin), where working out exactly which
    meetings show the changed row is not worth it: a new version only costs one render.
    """
    Meeting.objects.filter(network_id__in=set(network_ids)).update(**raised())


# Renders of a meeting (the beamer's content, the PDF reports) are cached under its version.
# One key builder for all of them, so that erasing a client can find them again.
SHARED_RENDER_SECONDS = 10 * 60


def render_key(kind: str, meeting_id: int, version: int, *parts, language: str = "") -> str:
    """The cache key of a render of meeting `meeting_id` at `version` (in the language)."""
    language = language or get_language() or settings.LANGUAGE_CODE
    return ":".join(["akad", kind, str(meeting_id), f"v{version}", language, *map(str, parts)])


# A version lasts seconds to hours; entries live SHARED_RENDER_SECONDS. The renders of the
# last this many versions are all that a cache can still hold of a meeting.
RECENT_VERSIONS = 1000


def forget_renders(meeting: Meeting, *, case_ids: Iterable[int] = ()) -> None:
    """Drop every cached render of the meeting that may still be held (an erased client)."""
    case_ids = list(case_ids)
    keys = [
        render_key(kind, meeting.pk, version, *parts, language=language)
        for version in range(max(1, meeting.version - RECENT_VERSIONS), meeting.version + 1)
        for language, _name in settings.LANGUAGES
        for kind, parts in [
            ("beamer", (0,)),
            ("beamer", (1,)),
            ("report-meeting", ()),
            *(("report-case", (case_id,)) for case_id in case_ids),
        ]
    ]
    cache.delete_many(keys)
