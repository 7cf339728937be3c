"""Admin: people (e-mail login), networks with their members and social map."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AccessEvent, Membership, Network, Organisation, User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("network", "role", "organisation")
    autocomplete_fields = ("network", "organisation")
    verbose_name_plural = _("networks")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "display_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "memberships__network")
    search_fields = ("email", "display_name", "first_name", "last_name")
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "organisation")
    autocomplete_fields = ("user", "organisation")


class OrganisationInline(admin.TabularInline):
    model = Organisation
    extra = 0
    fields = ("name", "kind", "usual_column", "contact")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the columns of this network's own placemat.
        if db_field.name == "usual_column":
            from matrices.models import Column

            network_pk = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Column.objects.filter(matrix__network__pk=network_pk)
                if network_pk
                else Column.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NetworkAdminForm(forms.ModelForm):
    """A network starts from one of the method's presets and gets its own copy of it.

    The admin never offers a matrix to share: renaming a column of one network's placemat
    must not rename it for another (each copy is edited under Compensation matrices).
    """

    preset = forms.ModelChoiceField(
        label=_("placemat preset"),
        queryset=services.presets(),
        required=False,
        help_text=_(
            "A new network gets its own copy. For an existing one: switch to another preset "
            "(only while no tips stand in its columns)."
        ),
    )

    class Meta:
        model = Network
        fields = ["name", "district", "timeboxes"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not data.get("preset"):
            self.add_error("preset", _("Pick the placemat this network starts from."))
        return data

    def save(self, commit=True):
        # The copy is made in save_model (through the services), inside the admin's transaction.
        return super().save(commit=False)


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    """Network.clean() checks the timeboxes (known steps, whole minutes 0–120)."""

    form = NetworkAdminForm
    list_display = ("name", "district", "matrix", "member_count")
    search_fields = ("name", "district")
    readonly_fields = ("matrix",)
    fields = ("name", "district", "preset", "matrix", "timeboxes")
    inlines = [MembershipInline, OrganisationInline]

    def save_model(self, request, obj, form, change):
        preset = form.cleaned_data.get("preset")
        if not change:
            network = services.create_network(
                name=obj.name, district=obj.district, preset=preset, timeboxes=obj.timeboxes
            )
            obj.pk, obj.matrix_id = network.pk, network.matrix_id
            obj._state.adding = False
            return
        obj.save()
        if preset is not None:
            try:
                services.switch_preset(network=obj, preset=preset)
            except ValidationError as error:
                # The form is already valid by now: say it with a message and keep the rest.
                messages.error(request, " ".join(error.messages))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("matrix")
            .annotate(member_count=Count("memberships", distinct=True))
        )

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj) -> int:
        return obj.member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "network", "role", "organisation")
    list_filter = ("network", "role")
    search_fields = ("user__email", "user__display_name", "network__name")
    autocomplete_fields = ("user", "network", "organisation")
    list_select_related = ("user", "network", "organisation")


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["network", "name", "kind", "usual_column", "contact"]

    def clean(self):
        data = super().clean()
        network, column = data.get("network"), data.get("usual_column")
        if network and column and column.matrix_id != network.matrix_id:
            self.add_error("usual_column", _("Pick a column of this network's placemat."))
        return data


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("name", "network", "kind", "usual_column")
    list_filter = ("network",)
    search_fields = ("name", "kind", "contact")
    autocomplete_fields = ("network",)
    list_select_related = ("network", "usual_column")

    def get_form(self, request, obj=None, **kwargs):
        from matrices.models import Column

        form = super().get_form(request, obj, **kwargs)
        columns = Column.objects.filter(matrix__network__isnull=False)
        if obj is not None:
            columns = Column.objects.filter(matrix_id=obj.network.matrix_id)
        form.base_fields["usual_column"].queryset = columns.select_related("matrix").distinct()
        return form


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The access log, to read: nobody adds, changes or deletes a line of it."""

    list_display = ("at", "network", "actor", "kind", "client_number", "page", "path")
    list_filter = ("network", "kind")
    search_fields = ("actor", "page", "path")
    date_hierarchy = "at"
    list_select_related = ("network",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
