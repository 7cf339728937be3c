"""The coordinator's filter of the access log: by client, by person, by period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AccessLogFilter(forms.Form):
    client = forms.TypedChoiceField(label=_("Client"), required=False, coerce=int, empty_value=None)
    user = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a date, for example 2026-03-14.")},
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a date, for example 2026-03-14.")},
    )

    def __init__(self, *args, clients, people, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [("", _("— every client —")), *clients]
        self.fields["client"].error_messages["invalid_choice"] = _("Pick a client of the list.")
        self.fields["user"].choices = [("", _("— everyone —")), *people]
        self.fields["user"].error_messages["invalid_choice"] = _("Pick a person of the list.")

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period comes before its start."))
        return data
