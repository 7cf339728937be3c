"""Forms about tips: a new tip, editing or moving one, choosing it, the client's decision."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from matrices.models import Column, Domain
from networks.models import Organisation

from ..models import CaseDiscussion, Decision, Tip
from .freetext import FreeTextForm
from .keyed import KeyedForm


class CellField(forms.IntegerField):
    """A domain or a column of the placemat, by its id, as the cell picker posts it.

    Whether the id is one of this placemat's is checked where the tip is written
    (services.tips.add_tip: with the domain's goal locked, one query for both), not with a
    query per field here; a wrong one comes back as this field's error. The form's own
    pages write the options out themselves from the placemat they show.
    """

    def __init__(self, *, required: str, invalid: str, **kwargs):
        super().__init__(
            min_value=1,
            error_messages={"required": required, "invalid": invalid, "min_value": invalid},
            **kwargs,
        )


class CheckedLaterChoiceField(forms.ModelChoiceField):
    """A list of the network's rows as a ModelChoiceField renders it, whose posted choice is
    an id checked where the tip is written (with the cell, services.tips.add_tip), not with a
    query here."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not str(value).isdigit() or int(value) < 1:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return int(value)


class TipForm(FreeTextForm, KeyedForm):
    """A new tip in one cell."""

    privacy_fields = ("text", "given_by")

    text = forms.CharField(
        label=_("Tip"),
        max_length=500,
        error_messages={"required": _("Write the tip first.")},
    )
    domain = CellField(
        label=_("Domain"), required=_("Pick a domain."), invalid=_("Pick a marked domain.")
    )
    column = CellField(
        label=_("Column"),
        required=_("Pick a column."),
        invalid=_("Pick a column of the placemat."),
    )
    given_by = forms.CharField(label=_("Given by"), max_length=100, required=False)
    organisation = CheckedLaterChoiceField(
        label=_("Organisation"),
        queryset=None,  # the network's, once the form is drawn (`_offer_organisations`)
        required=False,
        empty_label=_("— none —"),
        error_messages={"invalid_choice": _("Pick an organisation of this network.")},
    )

    def __init__(self, *args, case: CaseDiscussion, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        if not self.is_bound:
            self._offer_organisations()
            if case.spotlight_id:
                self.initial.setdefault("column", case.spotlight_id)

    def _offer_organisations(self) -> None:
        self.fields["organisation"].queryset = Organisation.objects.filter(
            network_id=self.case.meeting.network_id
        )

    def add_error(self, field, error):
        # A posted form is drawn again only with a message: only then does it list the
        # organisations (a tip that is saved needs no list).
        if self.fields["organisation"].queryset is None:
            self._offer_organisations()
        super().add_error(field, error)


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
        for name, code in [("domain", "invalid"), ("column", "invalid")]:
            choice = TipForm.base_fields[name].error_messages[code]
            self.fields[name].error_messages["invalid_choice"] = choice
        choice = TipForm.base_fields["organisation"].error_messages["invalid_choice"]
        self.fields["organisation"].error_messages["invalid_choice"] = choice


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
