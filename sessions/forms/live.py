"""Forms of the live flow on the console: presentation, domains and goals, evaluation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matrices.models import Level

from ..models import CaseDiscussion
from .freetext import FreeTextForm


class PresentationForm(FreeTextForm, forms.ModelForm):
    privacy_fields = CaseDiscussion.PRESENTATION_FIELDS

    class Meta:
        model = CaseDiscussion
        fields = CaseDiscussion.PRESENTATION_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in CaseDiscussion.PRESENTATION_FIELDS
        }

    def texts(self):
        """The presentation's fields, without the form's own "save anyway" box."""
        return [self[name] for name in CaseDiscussion.PRESENTATION_FIELDS]


class DomainGoalForm(FreeTextForm, forms.Form):
    """One row of the domains step: marked or not, the wish or goal, levels."""

    privacy_fields = ("goal",)

    marked = forms.BooleanField(required=False)
    goal = forms.CharField(label=_("Wish or goal"), max_length=300, required=False)
    current_level = forms.ModelChoiceField(
        label=_("Now"), queryset=Level.objects.all(), required=False, empty_label="–"
    )
    target_level = forms.ModelChoiceField(
        label=_("Goal"), queryset=Level.objects.all(), required=False, empty_label="–"
    )

    def __init__(self, *args, level_choices: list[tuple] | None = None, **kwargs):
        """`level_choices` (from `level_choices()`) spares a query per select when the
        domains step shows a form for every domain."""
        super().__init__(*args, **kwargs)
        if level_choices is not None:
            self.fields["current_level"].choices = level_choices
            self.fields["target_level"].choices = level_choices

    @staticmethod
    def level_choices() -> list[tuple]:
        return [("", "–"), *((level.pk, str(level)) for level in Level.objects.all())]


class EvaluationForm(FreeTextForm, forms.Form):
    privacy_fields = ("remark",)

    rating = forms.TypedChoiceField(
        label=_("How did this discussion go? (1–5)"),
        choices=[("", "–")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    remark = forms.CharField(label=_("Remark"), max_length=300, required=False)
