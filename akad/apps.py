from django.apps import AppConfig


class AkadConfig(AppConfig):
    """The project package, installed for its operations commands (backup); no models."""

    name = "akad"
    verbose_name = "AKAD casustafel"
