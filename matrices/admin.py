"""Admin for the method's reference data: ZRM levels, domain sets and domains, placemats."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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


class ColumnInline(admin.TabularInline):
    model = Column
    extra = 0
    fields = ("order", "key", "name", "name_en", "formality", "hint")
    ordering = ("order",)


@admin.register(Matrix)
class MatrixAdmin(admin.ModelAdmin):
    """A network's own placemat is edited here; the method's presets only shown.

    A preset is the template every new network copies (networks.services); editing it in
    place would change no network and confuse the next one.
    """

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
class ColumnAdmin(admin.ModelAdmin):
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
