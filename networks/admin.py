"""Admin: people (e-mail login; set-up links for two-factor sign-in, and resetting a lost
phone), networks with their members and social map, people's two-factor devices and the
record of set-up links.

A staff account that is not a superuser sees only its own networks' rows
(akad.admin_site.NetworkScopedAdmin; the rule: access.administered_networks).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin as OtpStaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OtpTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from akad.admin_site import NetworkScopedAdmin, administered_networks

from . import access, services, setup_links
from .models import AccessEvent, Membership, Network, Organisation, SetupLink, User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class UserMembershipInline(NetworkScopedAdmin, admin.TabularInline):
    """A person's memberships: of the networks one administers only."""

    network_path = "network_id"
    model = Membership
    extra = 0
    fields = ("network", "role", "organisation")
    autocomplete_fields = ("network", "organisation")
    verbose_name_plural = _("networks")


class PeopleOfTheNetworks(NetworkScopedAdmin):
    """People: the members of the networks one administers (access.administered_users)."""

    def rows_within(self, request, networks):
        return access.administered_users(request.user)


@admin.register(User)
class UserAdmin(PeopleOfTheNetworks, DjangoUserAdmin):
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
    actions = ["make_setup_links", "reset_and_make_setup_links"]

    @admin.action(
        description=_("Make a set-up link for two-factor sign-in"), permissions=["change"]
    )
    def make_setup_links(self, request, queryset):
        return self.make_links(request, queryset, reset=False)

    @admin.action(
        description=_("Reset two-factor sign-in (lost phone) and make a set-up link"),
        permissions=["change"],
    )
    def reset_and_make_setup_links(self, request, queryset):
        return self.make_links(request, queryset, reset=True)

    def make_links(self, request, queryset, *, reset: bool):
        """A link per person (the rule: access.may_issue_setup_link), shown once on the page
        this returns; the person's admin history says it was made."""
        made, refused = [], []
        for user in queryset.order_by("email"):
            if not access.may_issue_setup_link(request.user, user):
                refused.append(user.email)
                continue
            new = setup_links.create_link(user=user, by=request.user, reset=reset, request=request)
            self.log_change(
                request,
                user,
                "Reset two-factor sign-in and made a set-up link"
                if reset
                else "Made a set-up link for two-factor sign-in",
            )
            made.append((user, request.build_absolute_uri(new.path), new.link.expires_at))
        if refused:
            self.message_user(
                request,
                ngettext(
                    "No set-up link for %(people)s: not yours to give (yourself, another "
                    "platform administrator, or someone of a network you do not coordinate).",
                    "No set-up links for %(people)s: not yours to give (yourself, other "
                    "platform administrators, or people of networks you do not coordinate).",
                    len(refused),
                )
                % {"people": ", ".join(refused)},
                messages.WARNING,
            )
        if not made:
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Set-up links"),
            "opts": self.model._meta,
            "made": made,
            "reset": reset,
        }
        return TemplateResponse(request, "admin/networks/user/setup_links.html", context)

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser hands out staff status and permissions (or takes them)."""
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_staff", "is_superuser", "groups", "user_permissions")

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or access.may_administer_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or access.may_administer_user(request.user, obj))


class MembershipInline(NetworkScopedAdmin, admin.TabularInline):
    network_path = "network_id"
    model = Membership
    extra = 0
    fields = ("user", "role", "organisation")
    autocomplete_fields = ("user", "organisation")


class OrganisationInline(NetworkScopedAdmin, admin.TabularInline):
    network_path = "network_id"
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
        fields = ["name", "district", "timeboxes", "require_two_factor"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not data.get("preset"):
            self.add_error("preset", _("Pick the placemat this network starts from."))
        return data

    def save(self, commit=True):
        # The copy is made in save_model (through the services), inside the admin's transaction.
        return super().save(commit=False)


@admin.register(Network)
class NetworkAdmin(NetworkScopedAdmin, admin.ModelAdmin):
    """Network.clean() checks the timeboxes (known steps, whole minutes 0–120)."""

    network_path = "pk"

    form = NetworkAdminForm
    list_display = ("name", "district", "matrix", "member_count", "require_two_factor")
    search_fields = ("name", "district")
    readonly_fields = ("matrix",)
    fields = ("name", "district", "preset", "matrix", "timeboxes", "require_two_factor")
    inlines = [MembershipInline, OrganisationInline]

    def save_model(self, request, obj, form, change):
        preset = form.cleaned_data.get("preset")
        if not change:
            network = services.create_network(
                name=obj.name,
                district=obj.district,
                preset=preset,
                timeboxes=obj.timeboxes,
                require_two_factor=obj.require_two_factor,
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
            .order_by("name")  # a count drops the model's default ordering (autocomplete pages)
        )

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj) -> int:
        return obj.member_count

    def has_add_permission(self, request):
        """New networks are the platform operator's: a network made by a staff user who
        administers only their own would not be theirs either."""
        return request.user.is_superuser and super().has_add_permission(request)


@admin.register(Membership)
class MembershipAdmin(NetworkScopedAdmin, admin.ModelAdmin):
    network_path = "network_id"
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
class OrganisationAdmin(NetworkScopedAdmin, admin.ModelAdmin):
    network_path = "network_id"
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
        networks = administered_networks(request.user)
        if networks is not None:
            columns = columns.filter(matrix__network__in=networks)
        if obj is not None:
            columns = Column.objects.filter(matrix_id=obj.network.matrix_id)
        form.base_fields["usual_column"].queryset = columns.select_related("matrix").distinct()
        return form


@admin.register(AccessEvent)
class AccessEventAdmin(NetworkScopedAdmin, admin.ModelAdmin):
    """The access log, to read: nobody adds, changes or deletes a line of it. A staff
    account that is not a superuser reads its own networks' lines only."""

    network_path = "network_id"
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


# Two-factor devices (django-otp's admin, scoped; never a secret or a recovery code shown) --


class DevicesOfThePeople(NetworkScopedAdmin):
    """Devices (and set-up links) of the people one administers. A lost phone: the People
    action *Reset two-factor sign-in* removes both devices and makes the set-up link that
    the person then needs (deleting a device here leaves them without one)."""

    def rows_within(self, request, networks):
        return self.model._default_manager.filter(user__in=access.administered_users(request.user))


admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(DevicesOfThePeople, OtpTOTPDeviceAdmin):
    pass


@admin.register(StaticDevice)
class StaticDeviceAdmin(DevicesOfThePeople, OtpStaticDeviceAdmin):
    inlines = []  # the recovery codes themselves stay out of sight


@admin.register(SetupLink)
class SetupLinkAdmin(DevicesOfThePeople, admin.ModelAdmin):
    """The record of set-up links: who made one for whom, when, and when it was used. Made
    with the People actions (or `manage.py setup_link`); never changed by hand, and the
    token is not kept (only its hash, not shown)."""

    list_display = (
        "user",
        "created_at",
        "created_by_name",
        "reset_devices",
        "expires_at",
        "used_at",
        "revoked_at",
    )
    list_filter = ("reset_devices",)
    search_fields = ("user__email", "created_by_name")
    fields = list_display
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
