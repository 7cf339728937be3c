"""Middleware of the access module: a guest is told a page needs an account."""

from __future__ import annotations

from django.shortcuts import render

from akad.middleware import is_login_redirect

from .access import has_guest_pass, viewer_for


class GuestsNeedAnAccountMiddleware:
    """Someone who joined a meeting with its code (a guest, no account) and opens a page that
    needs an account gets 403 and the way back to their phone page, not the login page.

    The pages refuse them anyway (`login_required`, and 404 outside a member's networks): this
    only says so. Which requests are a guest's is the access module's to say.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            is_login_redirect(response)
            and not request.user.is_authenticated
            and has_guest_pass(request)
        ):
            guest = viewer_for(request).guest
            return render(request, "guest_refused.html", {"guest": guest}, status=403)
        return response
