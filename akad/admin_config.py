"""Django's admin app, with akad.admin_site.AdminSite as its default site (`admin.site`).

Apart from akad.admin_site: INSTALLED_APPS imports this before the apps are loaded.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "akad.admin_site.AdminSite"
