from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The PDF reports of meetings and cases (later: client overview, network reports, CSV)."""

    name = "reports"
    verbose_name = _("Reports")
