from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatricesConfig(AppConfig):
    name = "matrices"
    verbose_name = _("ZRM and compensation matrix")
