from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    """People, networks and their roles, the social map, and who may see and do what."""

    name = "networks"
    verbose_name = _("Networks and accounts")

    def ready(self):
        from . import two_factor  # noqa: F401  (connects its user_logged_in receiver)
