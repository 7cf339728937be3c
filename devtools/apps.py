from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development only: the demo story, the benchmark and the world they and the tests build.

    Installed by `devtools.settings` (make run, make bench, the tests); no production module
    imports it.
    """

    name = "devtools"
    verbose_name = "Development tools"
