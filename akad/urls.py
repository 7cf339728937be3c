"""The root URLconf: each app's URLs under its own namespace.

`tests/test_access.py` walks this whole resolver: a URL without an access rule fails it.
"""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("accounts/", include("networks.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
    path("", include("sessions.urls")),
]
