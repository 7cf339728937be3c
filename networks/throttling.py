"""Login throttling per account and per client address (django-axes' handler)."""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class ThrottlingHandler(AxesDatabaseHandler):
    """django-axes, counting failed logins per account *and* per client address.

    Axes locks an account/address pair after AXES_FAILURE_LIMIT (5) failures. On its own that
    lets one address try a password on any number of accounts (password spraying: 900
    accounts tried, no slow-down). So an address is also locked, for the same cool-off hour,
    after LOGIN_FAILURES_PER_ADDRESS (30) failures on whatever accounts. That limit is higher
    on purpose: a care organisation's office is one address for all its people.
    The lockout page says which of the two it was (`request.akad_lockout`).
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            request.akad_lockout = "account"
            return True
        if self.address_failures(request) >= settings.LOGIN_FAILURES_PER_ADDRESS:
            request.akad_lockout = "address"
            # Axes flags a lockout by the failure count of the account; this one is the
            # address's, so flag it here for AxesMiddleware's lockout page.
            request.axes_locked_out = True
            return True
        return False

    def address_failures(self, request) -> int:
        """Failures from this address within the cool-off, on all accounts together."""
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
        )
        return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
