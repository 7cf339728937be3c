from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AkadConfig(AppConfig):
    name = "akad"
    verbose_name = _("Networks and accounts")
