"""Throttling by client address in Django's cache: a few failures, then a short wait.

Counts live in the `default` cache. That is per process today (local memory): with several
app processes each counts for itself, so a shared cache (Redis, Memcached, the database
cache) makes a throttle exact. What is throttled stays safe without one: the limits are
small next to what guessing needs.
"""

from __future__ import annotations

import math
import time

from django.core.cache import cache
from django.http import HttpRequest

from .proxies import client_address


class Throttle:
    """`allowed` failures per client address within `window` seconds, then `wait` seconds in
    which every attempt is refused, right or wrong (else guessing would go on meanwhile)."""

    def __init__(self, name: str, *, allowed: int, window: int, wait: int):
        self.name, self.allowed, self.window, self.wait = name, allowed, window, wait

    def _key(self, request: HttpRequest, what: str) -> str:
        return f"akad:throttle:{self.name}:{what}:{client_address(request)}"

    def wait_left(self, request: HttpRequest) -> int:
        """Seconds this client still has to wait (0: it may try)."""
        until = cache.get(self._key(request, "until"))
        return max(0, math.ceil(until - time.time())) if until else 0

    def failed(self, request: HttpRequest) -> int:
        """Count a failure; returns the wait that starts now (0 while failures are left)."""
        count_key = self._key(request, "count")
        cache.add(count_key, 0, self.window)
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, self.window)
            count = 1
        if count < self.allowed:
            return 0
        cache.set(self._key(request, "until"), time.time() + self.wait, self.wait)
        cache.delete(count_key)
        return self.wait
