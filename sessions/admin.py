"""Admin for meetings, pseudonymous clients, case discussions, tips and follow-up.

The app's own pages write through sessions/services/; the admin is for the people who
run the installation (corrections, support). A staff account that is not a superuser sees
and picks only rows of the networks it administers (akad.admin_site.NetworkScopedAdmin,
along `network_path`).
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from akad.admin_site import NetworkScopedAdmin

from .models import CaseDiscussion, Client, DomainGoal, Guest, Meeting, Tip, TipOutcome, TipTally
from .privacy import pseudonym_problem
from .services.versions import touch_networks


class RefreshesMeetings:
    """Corrections made here reach open beamers and the PDF reports at once.

    The services raise a meeting's version on every change; the admin writes past them, so
    after a save or delete it raises the versions of the meetings of the network concerned.
    `network_path` leads from the model to its network id.
    """

    network_path: str

    def _network_ids(self, queryset) -> set[int]:
        return set(queryset.values_list(self.network_path, flat=True))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # after the inlines
        touch_networks(self._network_ids(type(form.instance).objects.filter(pk=form.instance.pk)))

    def delete_model(self, request, obj):
        network_ids = self._network_ids(type(obj).objects.filter(pk=obj.pk))
        super().delete_model(request, obj)
        touch_networks(network_ids)

    def delete_queryset(self, request, queryset):
        network_ids = self._network_ids(queryset)
        super().delete_queryset(request, queryset)
        touch_networks(network_ids)


class ClientAdminForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["network", "pseudonym", "birth_year", "case_bringer"]

    def clean_pseudonym(self) -> str:
        pseudonym = self.cleaned_data["pseudonym"]
        problem = pseudonym_problem(pseudonym)
        if problem:
            raise forms.ValidationError(problem)
        return pseudonym


@admin.register(Client)
class ClientAdmin(NetworkScopedAdmin, RefreshesMeetings, admin.ModelAdmin):
    network_path = "network_id"
    form = ClientAdminForm
    list_display = ("pseudonym", "network", "birth_year", "case_bringer", "updated_at")
    list_filter = ("network",)
    search_fields = ("pseudonym",)
    autocomplete_fields = ("network", "case_bringer")
    list_select_related = ("network", "case_bringer")


class CaseInline(NetworkScopedAdmin, admin.TabularInline):
    network_path = "meeting__network_id"
    model = CaseDiscussion
    extra = 0
    fields = ("order", "client", "case_bringer", "step")
    readonly_fields = ("step",)
    autocomplete_fields = ("client", "case_bringer")
    show_change_link = True


class GuestInline(admin.TabularInline):
    """Who was present; joining and removing happen on the console."""

    model = Guest
    extra = 0
    fields = (
        "display_name",
        "organisation",
        "organisation_name",
        "user",
        "joined_at",
        "removed_at",
    )
    readonly_fields = ("user", "joined_at")
    autocomplete_fields = ("organisation",)


@admin.register(Meeting)
class MeetingAdmin(NetworkScopedAdmin, RefreshesMeetings, admin.ModelAdmin):
    network_path = "network_id"
    list_display = ("starts_at", "network", "place", "facilitator", "join_code", "case_count")
    list_filter = ("network",)
    search_fields = ("place", "join_code", "network__name")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("network", "facilitator", "attendees")
    readonly_fields = ("join_code", "version", "current_case")
    inlines = [CaseInline, GuestInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("network", "facilitator")
            .annotate(case_count=Count("cases"))
        )

    @admin.display(description=_("cases"), ordering="case_count")
    def case_count(self, obj) -> int:
        return obj.case_count


class DomainGoalInline(NetworkScopedAdmin, admin.TabularInline):
    network_path = "case__meeting__network_id"
    model = DomainGoal
    extra = 0
    fields = ("domain", "goal", "current_level", "target_level")
    autocomplete_fields = ("domain",)


@admin.register(CaseDiscussion)
class CaseDiscussionAdmin(NetworkScopedAdmin, RefreshesMeetings, admin.ModelAdmin):
    network_path = "meeting__network_id"
    list_display = ("client", "meeting", "order", "case_bringer", "step", "rating")
    list_filter = ("step", "meeting__network")
    search_fields = ("client__pseudonym", "question")
    autocomplete_fields = ("meeting", "client", "case_bringer", "spotlight")
    readonly_fields = ("step_started_at", "started_at")
    list_select_related = ("client", "meeting__network", "case_bringer")
    inlines = [DomainGoalInline]
    fieldsets = (
        (None, {"fields": ("meeting", "client", "case_bringer", "order")}),
        (
            _("Presentation"),
            {"fields": CaseDiscussion.PRESENTATION_FIELDS},
        ),
        (
            _("Session"),
            {
                "fields": (
                    "step",
                    "step_started_at",
                    "started_at",
                    "spotlight",
                    "rating",
                    "rating_remark",
                    "hold_phone_tips",
                )
            },
        ),
    )


class TipOutcomeInline(NetworkScopedAdmin, admin.TabularInline):
    network_path = "tip__case__meeting__network_id"
    model = TipOutcome
    extra = 0
    fields = ("tried", "result", "why", "reported_in", "reported_by")
    autocomplete_fields = ("reported_in",)


@admin.register(Tip)
class TipAdmin(NetworkScopedAdmin, RefreshesMeetings, admin.ModelAdmin):
    network_path = "case__meeting__network_id"
    list_display = (
        "text",
        "case",
        "domain",
        "column",
        "given_by",
        "chosen",
        "decision",
        "held",
        "hidden",
    )
    list_filter = ("chosen", "decision", "hidden", "held", "case__meeting__network")
    search_fields = ("text", "given_by", "case__client__pseudonym")
    autocomplete_fields = ("case", "domain", "column", "organisation")
    readonly_fields = ("key", "created_by", "guest", "created_at")
    list_select_related = ("case__client", "case__meeting__network", "domain", "column")
    inlines = [TipOutcomeInline]


@admin.register(TipOutcome)
class TipOutcomeAdmin(NetworkScopedAdmin, RefreshesMeetings, admin.ModelAdmin):
    network_path = "tip__case__meeting__network_id"
    list_display = ("tip", "tried", "result", "reported_in", "reported_by", "created_at")
    list_filter = ("tried", "result", "tip__case__meeting__network")
    search_fields = ("tip__text", "why", "reported_by", "tip__case__client__pseudonym")
    autocomplete_fields = ("tip", "reported_in")
    readonly_fields = ("recorded_by", "created_at")
    list_select_related = ("tip", "reported_in__network")


@admin.register(TipTally)
class TipTallyAdmin(NetworkScopedAdmin, admin.ModelAdmin):
    """Numbers kept of removed tips (for the network's figures); made by erasure only."""

    network_path = "meeting__network_id"
    list_display = ("meeting", "column", "formality", "tips", "chosen", "worked")
    list_filter = ("meeting__network",)
    list_select_related = ("meeting__network", "column")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
