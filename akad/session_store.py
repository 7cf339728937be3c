"""Login sessions that end after a spell without activity and, whatever the activity, after
a working day (SESSION_ENGINE).

Django's database sessions, with one change: the row's `expire_date` is the session's real
end, the earlier of

- the last activity plus SESSION_IDLE_TIMEOUT (30 minutes; `IDLE_TIMEOUT_MINUTES`), and
- the login plus SESSION_COOKIE_AGE (12 hours: the absolute limit).

So an idle session is refused by the store itself on the next request, `clearsessions`
removes it within the day instead of keeping care-data sessions around for 12 hours, and
anything that checks a session by its row alone (the beamer's one-query poll) sees the
same end. Both moments are kept in the session (`SIGNED_IN`, `ACTIVE`): the store stamps a
session the first time it is saved with a login, and `akad.middleware.SessionTimeoutMiddleware`
moves `ACTIVE` on as the user works. A session without a login (a login waiting for its
second factor, a kept form, a guest) ends the same way, counted from its start (`STARTED`).

A session found expired is deleted at once, and the store remembers whose it was and why
(`expired`): the middleware tells the user, and keeps a form they had just sent.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

SIGNED_IN = "akad.signed_in"  # when the user logged in (Unix time, seconds)
STARTED = "akad.started"  # when a session without a login began (a waiting login, a guest)
ACTIVE = "akad.active"  # the last activity counted (Unix time, seconds)


def began(data: dict) -> float | None:
    """Where the absolute limit counts from: the login, or else the session's start."""
    return data.get(SIGNED_IN, data.get(STARTED))


def idle_timeout() -> int:
    return int(settings.SESSION_IDLE_TIMEOUT)


def absolute_limit() -> int:
    return int(settings.SESSION_COOKIE_AGE)


def end_of(data: dict) -> float | None:
    """When a session with this data ends (Unix time), None for a session never stamped."""
    ends = []
    if ACTIVE in data:
        ends.append(data[ACTIVE] + idle_timeout())
    if began(data) is not None:
        ends.append(began(data) + absolute_limit())
    return min(ends) if ends else None


def expiry_reason(data: dict, now: float) -> str | None:
    """Why a session with this data has ended ("idle", "absolute"), None while it lasts."""
    if began(data) is not None and now >= began(data) + absolute_limit():
        return "absolute"
    if ACTIVE in data and now >= data[ACTIVE] + idle_timeout():
        return "idle"
    return None


class SessionStore(DatabaseSessionStore):
    # Whose session this was and why it ended, when the cookie named one that had expired
    # ({"user": id, "reason": …}; whatever else ends a session early may set it too, with
    # a "message" for the login page: networks.middleware).
    expired: dict | None = None

    def _get_session_from_db(self):
        """The row whatever its `expire_date` (one query, as Django's own): `load` tells an
        expired session from none."""
        try:
            return self.model.objects.get(session_key=self.session_key)
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{error.__class__.__name__}")
                logger.warning(str(error))
            self._session_key = None
            return None

    def load(self) -> dict:
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        now = time.time()
        reason = expiry_reason(data, now)
        if reason is None and row.expire_date <= timezone.now():
            reason = "expired"  # a session from before these stamps, or a shortened setting
        if reason is None:
            return data
        # Ended: never revived. Remember whose it was (the middleware may keep their form).
        self.expired = {"user": data.get(SESSION_KEY), "reason": reason}
        row.delete()
        self._session_key = None
        return {}

    async def aload(self) -> dict:
        return await sync_to_async(self.load)()

    def create_model_instance(self, data: dict):
        """The row to save: `expire_date` is the session's real end (see the module)."""
        now = int(time.time())
        if SESSION_KEY in data:
            data.setdefault(SIGNED_IN, now)
        else:
            data.setdefault(STARTED, now)
        data.setdefault(ACTIVE, now)
        row = super().create_model_instance(data)
        end = end_of(data)
        if end is not None:
            row.expire_date = min(row.expire_date, datetime.fromtimestamp(end, tz=UTC))
        return row
