"""Accounts: changing one's own password."""

from __future__ import annotations

from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


class PasswordChange(SuccessMessageMixin, PasswordChangeView):
    """Change your own password (the first one came from a coordinator or the admin).

    Django logs out every other session of the account and keeps this one.
    """

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("casework:home")
    success_message = _("Your password has been changed. Other devices are logged out.")
