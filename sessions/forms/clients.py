"""Erasing a client: the coordinator confirms by typing the pseudonym."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EraseClientForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("Type the pseudonym to confirm"),
        max_length=60,
        error_messages={"required": _("Type the pseudonym to confirm the erasure.")},
    )

    def __init__(self, *args, client, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.client = client

    def clean_pseudonym(self) -> str:
        typed = " ".join(self.cleaned_data["pseudonym"].split())
        if typed.casefold() != self.client.pseudonym.casefold():
            raise forms.ValidationError(
                _("That is not this client's pseudonym: nothing was erased.")
            )
        return typed
