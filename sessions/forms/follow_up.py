"""The follow-up form: what came of a chosen tip (terugblik on the console, and the review)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Result
from .freetext import FreeTextForm
from .keyed import KeyedForm


class OutcomeFields(FreeTextForm, forms.Form):
    """Follow-up on a chosen tip: tried or not; worked, partly or not; why; who reported."""

    privacy_fields = ("why", "reported_by")

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


class OutcomeForm(KeyedForm, OutcomeFields):
    """A new follow-up, stored once (its key)."""


class OutcomeCorrectionForm(OutcomeFields):
    """A follow-up as reported, corrected (saving it twice changes nothing: no key needed)."""

    @classmethod
    def of(cls, outcome, **kwargs) -> OutcomeCorrectionForm:
        initial = {
            "tried": "yes" if outcome.tried else "no",
            "result": outcome.result,
            "why": outcome.why,
            "reported_by": outcome.reported_by,
        }
        accepted = {"why": outcome.why, "reported_by": outcome.reported_by}
        return cls(prefix=f"outcome{outcome.pk}", initial=initial, accepted=accepted, **kwargs)
