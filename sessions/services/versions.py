"""The meeting's version: every change a beamer or a report shows raises it.

A beamer poll compares versions to answer "unchanged" without rendering anything, and a
rendered report is cached under the version it shows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F

from ..models import Meeting


def touch(meeting_id: int) -> None:
    """The meeting changed: its beamers render again, its reports are made anew."""
    Meeting.objects.filter(pk=meeting_id).update(version=F("version") + 1)


def touch_networks(network_ids: Iterable[int]) -> None:
    """Give every meeting of these networks a new version: beamers re-render, reports renew.

    For changes made outside the services (the admin), where working out exactly which
    meetings show the changed row is not worth it: a new version only costs one render.
    """
    Meeting.objects.filter(network_id__in=set(network_ids)).update(version=F("version") + 1)
