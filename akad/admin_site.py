"""Django's admin for the platform operator: a verified second factor, and each staff
account limited to the rows of the networks it administers.

- `AdminSite` (the default site, through akad.admin_config in INSTALLED_APPS) lets in only staff
  whose login was verified with a second factor (django-otp), and has no login form of its
  own: the app's login (password, then code) is the only way in.
- `NetworkScopedAdmin`, a mixin for ModelAdmins and inlines: a staff user who is not a
  superuser sees, changes and can pick (foreign-key choices, autocomplete, list filters)
  only rows of the networks that `settings.ADMIN_NETWORKS` (a dotted path: the rule lives
  in networks.access, which this project package does not import) says it administers.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.module_loading import import_string
from django_otp.admin import OTPAdminSite


class AdminSite(OTPAdminSite):
    """Staff only, verified by a second factor (OTPAdminSite.has_permission)."""

    def __init__(self, name: str = "admin"):
        super().__init__(name)

    def login(self, request, extra_context=None):
        """The app's own login (with the second factor), then back to the admin."""
        if request.user.is_authenticated:
            raise PermissionDenied  # signed in, but not staff: no second login form here
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index", current_app=self.name),
            settings.LOGIN_URL,
        )


def administered_networks(user) -> QuerySet | None:
    """The networks this staff user may administer; None for all of them (superusers)."""
    return import_string(settings.ADMIN_NETWORKS)(user)


class NetworkScopedAdmin:
    """Only the rows of the networks the staff user administers.

    `network_path` leads from the model to its network (`network`, `meeting__network_id`,
    …). A model with rows that belong to no network but are shown to every staff user (the
    method's presets) overrides `network_filter`; one whose rule is not a path (people)
    overrides `rows_within`.
    """

    network_path: str = "network"

    def network_filter(self, networks: QuerySet) -> Q:
        return Q(**{f"{self.network_path}__in": networks})

    def rows_within(self, request, networks: QuerySet) -> QuerySet:
        return self.model._default_manager.filter(self.network_filter(networks))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        networks = administered_networks(request.user)
        if networks is None:
            return queryset
        # pk__in, not a join on the queryset itself: the admin's own annotations (counts)
        # and ordering stay as they are, and no row comes twice.
        return queryset.filter(pk__in=self.rows_within(request, networks).values("pk"))

    def get_field_queryset(self, db, db_field, request):
        """Foreign-key and many-to-many choices (autocomplete too) within the same networks.

        The related model's own admin decides, when it is scoped as well; autocomplete asks
        that admin's `get_queryset` directly.
        """
        queryset = super().get_field_queryset(db, db_field, request)
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related_admin, NetworkScopedAdmin):
            if administered_networks(request.user) is not None:
                model = db_field.remote_field.model
                base = queryset if queryset is not None else model._default_manager.using(db)
                queryset = base.filter(pk__in=related_admin.get_queryset(request).values("pk"))
        return queryset

    def get_list_filter(self, request):
        """A filter on a relation lists only the values that occur in the rows one sees
        (Django's default lists every network, and so every network's name)."""
        return [self._related_only(spec) for spec in super().get_list_filter(request)]

    def _related_only(self, spec):
        if not isinstance(spec, str):
            return spec
        try:
            field = get_fields_from_path(self.model, spec)[-1]
        except FieldDoesNotExist:
            return spec
        if field.is_relation:
            return (spec, admin.RelatedOnlyFieldListFilter)
        return spec
