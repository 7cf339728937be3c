"""Admin for the method's reference data: ZRM levels, domain sets and domains, placemats.

The reference data is the same for everyone. The placemats are not: a staff account that
is not a superuser sees its own networks' placemats (and the presets they start from), not
another network's (akad.admin_site.NetworkScopedAdmin).
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from akad.admin_site import NetworkScopedAdmin

from .models import Column, Domain, DomainSet, Level, Matrix


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ("score", "name", "name_en")
    ordering = ("score",)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ("order", "key", "name", "name_en")
    ordering = ("order",)


@admin.register(DomainSet)
class DomainSetAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "is_default")
    search_fields = ("name", "name_en", "key")
    prepopulated_fields = {"key": ("name",)}
    inlines = [DomainInline]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "domain_set", "order")
    list_filter = ("domain_set",)
    search_fields = ("name", "name_en", "key")
    ordering = ("domain_set", "order")


class PlacematsOfTheNetworks(NetworkScopedAdmin):
    """A network's own placemat, or one of the method's presets (shown to all staff)."""

    matrix_path = "matrix__"

    def network_filter(self, networks):
        path = self.matrix_path
        return Q(**{f"{path}network__in": networks}) | ~Q(**{f"{path}preset_key": ""})


class ColumnInline(PlacematsOfTheNetworks, admin.TabularInline):
    model = Column
    extra = 0
    fields = ("order", "key", "name", "name_en", "formality", "hint")
    ordering = ("order",)


@admin.register(Matrix)
class MatrixAdmin(PlacematsOfTheNetworks, admin.ModelAdmin):
    """A network's own placemat is edited here; the method's presets only shown.

    A preset is the template every new network copies (networks.services); editing it in
    place would change no network and confuse the next one.
    """

    matrix_path = ""
    list_display = ("name", "domain_set", "preset_key", "network_name")
    list_filter = ("domain_set",)
    search_fields = ("name", "preset_key")
    inlines = [ColumnInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("domain_set", "network")

    @admin.display(description=_("network"))
    def network_name(self, obj) -> str:
        network = getattr(obj, "network", None) if not obj.preset_key else None
        return network.name if network is not None else "–"

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.preset_key:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.preset_key:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Column)
class ColumnAdmin(PlacematsOfTheNetworks, admin.ModelAdmin):
    """Columns of the networks' own placemats; a preset's columns are only shown."""

    list_display = ("name", "matrix", "order", "formality")
    list_filter = ("matrix",)
    search_fields = ("name", "name_en", "key", "matrix__name")
    list_select_related = ("matrix",)
    ordering = ("matrix", "order")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.matrix.preset_key:
            return False
        return super().has_change_permission(request, obj)
