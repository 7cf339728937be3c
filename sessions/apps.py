from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """Meetings, clients, case discussions, tips and follow-up.

    The folder is called `sessions`; the label `casework` keeps it apart from
    `django.contrib.sessions`.
    """

    name = "sessions"
    label = "casework"
    verbose_name = _("Case sessions")

    def ready(self) -> None:
        from networks import access

        from . import checks  # noqa: F401  (registers the system checks)
        from .selectors.objects import guest_for_secret

        # The access module resolves a guest's session secret without importing casework.
        access.register_guest_lookup(guest_for_secret)
