"""Forms about tips: a new tip, editing or moving one, choosing it, the client's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matrices.models import Column, Domain
from networks.models import Organisation

from ..models import CaseDiscussion, Decision, Tip
from .freetext import FreeTextForm
from .keyed import KeyedForm


class TipForm(FreeTextForm, KeyedForm):
    """A new tip in one cell."""

    privacy_fields = ("text", "given_by")

    text = forms.CharField(
        label=_("Tip"),
        max_length=500,
        error_messages={"required": _("Write the tip first.")},
    )
    domain = forms.ModelChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.none(),
        error_messages={
            "required": _("Pick a domain."),
            "invalid_choice": _("Pick a marked domain."),
        },
    )
    column = forms.ModelChoiceField(
        label=_("Column"),
        queryset=Column.objects.none(),
        error_messages={
            "required": _("Pick a column."),
            "invalid_choice": _("Pick a column of the placemat."),
        },
    )
    given_by = forms.CharField(label=_("Given by"), max_length=100, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— none —"),
        error_messages={"invalid_choice": _("Pick an organisation of this network.")},
    )

    def __init__(self, *args, case: CaseDiscussion, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        network = case.meeting.network
        self.fields["domain"].queryset = Domain.objects.filter(
            pk__in=case.goals.values("domain_id")
        )
        self.fields["column"].queryset = Column.objects.filter(matrix_id=network.matrix_id)
        self.fields["organisation"].queryset = Organisation.objects.filter(network=network)
        if not self.is_bound and case.spotlight_id:
            self.initial.setdefault("column", case.spotlight_id)


class TipEditForm(FreeTextForm, forms.ModelForm):
    """Edit a tip's text, or move it to another cell.

    Its ids are its own (`id_edit<pk>_text`): the new-tip form on the same page has `id_text`.
    """

    privacy_fields = ("text", "given_by")
    # Its domain and column lists always have a cell picked: no `required` on a select
    # without an empty choice (invalid HTML); the server checks them anyway.
    use_required_attribute = False

    class Meta:
        model = Tip
        fields = ["text", "domain", "column", "given_by", "organisation"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_edit{kwargs['instance'].pk}_%s")
        super().__init__(*args, **kwargs)
        case = self.instance.case
        network = case.meeting.network
        self.fields["domain"].queryset = Domain.objects.filter(
            pk__in=case.goals.values("domain_id")
        )
        self.fields["column"].queryset = Column.objects.filter(matrix_id=network.matrix_id)
        self.fields["organisation"].queryset = Organisation.objects.filter(network=network)
        self.fields["domain"].empty_label = self.fields["column"].empty_label = None
        self.fields["organisation"].empty_label = _("— none —")
        self.fields["text"].error_messages["required"] = _("A tip cannot be empty.")
        # The same words as the new-tip form for a cell or organisation that is not allowed.
        for name in ("domain", "column", "organisation"):
            choice = TipForm.base_fields[name].error_messages["invalid_choice"]
            self.fields[name].error_messages["invalid_choice"] = choice


class ChooseForm(FreeTextForm, forms.Form):
    """Afronding: take the tip to the client, with an action (who, what, when)."""

    privacy_fields = ("action_who", "action_what", "action_when")

    @staticmethod
    def saved(tip: Tip) -> dict[str, str]:
        """The tip's action as saved: what the form need not warn about again."""
        return {name: getattr(tip, name) for name in ChooseForm.privacy_fields}

    chosen = forms.BooleanField(label=_("Take to the client"), required=False)
    action_who = forms.CharField(label=_("Who"), max_length=100, required=False)
    action_what = forms.CharField(
        label=_("What"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action_when = forms.CharField(label=_("When"), max_length=100, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Client's decision"), choices=Decision.choices, required=False
    )
