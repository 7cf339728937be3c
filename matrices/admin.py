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
    list_display = ("name", "domain_set", "preset_key", "network_names")
    list_filter = ("domain_set",)
    search_fields = ("name", "preset_key")
    inlines = [ColumnInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("domain_set").prefetch_related("networks")
        )

    @admin.display(description=_("networks"))
    def network_names(self, obj) -> str:
        return ", ".join(network.name for network in obj.networks.all()) or "–"


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ("name", "matrix", "order", "formality")
    list_filter = ("matrix",)
    search_fields = ("name", "name_en", "key", "matrix__name")
    list_select_related = ("matrix",)
    ordering = ("matrix", "order")
