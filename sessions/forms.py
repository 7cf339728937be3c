"""Forms of the live session and the review. Messages are in the user's language."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from akad.models import Organisation
from matrices.models import Column, Domain, Level

from .models import CaseDiscussion, Decision, Result, Tip

PRIVACY_HINT = _(
    "Use the pseudonym only: no real names, BSN, addresses, phone numbers or dates of birth."
)


class PresentationForm(forms.ModelForm):
    class Meta:
        model = CaseDiscussion
        fields = CaseDiscussion.PRESENTATION_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in CaseDiscussion.PRESENTATION_FIELDS}


class TipForm(forms.Form):
    """A new tip in one cell. `key` makes a double submit or a retry store one tip."""

    key = forms.UUIDField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Tip"),
        max_length=500,
        error_messages={"required": _("Write the tip first.")},
    )
    domain = forms.ModelChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.none(),
        error_messages={"required": _("Pick a domain."), "invalid_choice": _("Pick a marked domain.")},
    )
    column = forms.ModelChoiceField(
        label=_("Column"),
        queryset=Column.objects.none(),
        error_messages={"required": _("Pick a column."), "invalid_choice": _("Pick a column of the placemat.")},
    )
    given_by = forms.CharField(label=_("Given by"), max_length=100, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, case: CaseDiscussion, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        network = case.meeting.network
        self.fields["domain"].queryset = Domain.objects.filter(
            pk__in=case.goals.values("domain_id")
        ).order_by("order")
        self.fields["column"].queryset = Column.objects.filter(matrix_id=network.matrix_id)
        self.fields["organisation"].queryset = Organisation.objects.filter(network=network)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())
            if case.spotlight_id:
                self.initial.setdefault("column", case.spotlight_id)


class TipEditForm(forms.ModelForm):
    """Edit a tip's text, or move it to another cell."""

    class Meta:
        model = Tip
        fields = ["text", "domain", "column", "given_by", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.instance.case
        network = case.meeting.network
        self.fields["domain"].queryset = Domain.objects.filter(pk__in=case.goals.values("domain_id"))
        self.fields["column"].queryset = Column.objects.filter(matrix_id=network.matrix_id)
        self.fields["organisation"].queryset = Organisation.objects.filter(network=network)
        self.fields["text"].error_messages["required"] = _("A tip cannot be empty.")


class ChooseForm(forms.Form):
    """Afronding: take the tip to the client, with an action (who, what, when)."""

    chosen = forms.BooleanField(label=_("Take to the client"), required=False)
    action_who = forms.CharField(label=_("Who"), max_length=100, required=False)
    action_what = forms.CharField(label=_("What"), max_length=300, required=False)
    action_when = forms.CharField(label=_("When"), max_length=100, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Client's decision"), choices=Decision.choices, required=False)


class OutcomeForm(forms.Form):
    """Follow-up on a chosen tip: tried or not; worked, partly or not; why; who reported."""

    tried = forms.TypedChoiceField(
        label=_("Tried?"),
        choices=[("yes", _("yes, tried")), ("no", _("not tried"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the tip was tried.")},
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", "—"), *Result.choices], required=False
    )
    why = forms.CharField(label=_("Why?"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reported_by = forms.CharField(label=_("Reported by"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if data.get("tried") and not data.get("result"):
            self.add_error("result", _("Say whether it worked, partly worked or did not work."))
        if data.get("tried") is False:
            data["result"] = ""
        return data


class DomainGoalForm(forms.Form):
    """One row of the domains step: marked or not, the wish or goal, levels."""

    marked = forms.BooleanField(required=False)
    goal = forms.CharField(label=_("Wish or goal"), max_length=300, required=False)
    current_level = forms.ModelChoiceField(
        label=_("Now"), queryset=Level.objects.all(), required=False, empty_label="–"
    )
    target_level = forms.ModelChoiceField(
        label=_("Goal"), queryset=Level.objects.all(), required=False, empty_label="–"
    )


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did this discussion go? (1–5)"),
        choices=[("", "–")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    remark = forms.CharField(label=_("Remark"), max_length=300, required=False)
