"""Forms that store something exactly once."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


class KeyedForm(forms.Form):
    """A form that stores something once: its hidden `key` is made when the form is shown,
    and the database refuses a second row with it (a double click, a retry).

    A missing or mangled key gets a message and a fresh key, so that sending again works.
    """

    key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form is out of date. Send it again."),
            "invalid": _("This form is out of date. Send it again."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())

    def clean(self):
        data = super().clean()
        if "key" in self._errors:
            self.data = self.data.copy()
            self.data[self.add_prefix("key")] = str(uuid.uuid4())
        return data
