"""Development settings: the production settings plus the development-only app.

`make run`, `make bench` and the tests select this module (DJANGO_SETTINGS_MODULE); a
production installation never does, so it has no demo command, no benchmark and no fixtures.
"""

from akad.settings import *  # noqa: F403
from akad.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
