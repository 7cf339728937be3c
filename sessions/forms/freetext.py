"""Free text typed about a client: tidied, and checked for what could identify someone.

Every form of the live session and the review that takes free text mixes in `FreeTextForm`:

- each text is tidied (`tidy`): the invisible characters that could turn text around on the
  screen or hide it (right-to-left overrides and embeddings, direction isolates, zero-width
  spaces) are removed, so a tip can never reverse the rest of a page or a PDF;
- the texts named in `privacy_fields` are checked before they are saved: text that looks
  like a BSN, an e-mail address, a phone number, a postcode with house number, a street
  address or a date of birth is refused with a message that says what was found
  (`sessions.privacy.warning_for`). The user corrects it, or ticks *save anyway* when it is
  not about the client (the phone number of the buurthuis) and sends again. What was saved
  anyway before is not asked about again when the text is edited later (`accepted`).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..privacy import findings, warning_for
from ..text import tidy


def _found(text: str) -> set[tuple[str, str]]:
    return {(finding.kind, " ".join(finding.text.split())) for finding in findings(text)}


class FreeTextForm:
    """Mixed in before a Form or ModelForm: tidies every text, checks `privacy_fields`.

    `accepted`: the texts as they are saved now (a ModelForm takes them from its instance);
    what they already held was saved knowingly and is not warned about again.
    """

    privacy_fields: tuple[str, ...] = ()

    def __init__(self, *args, accepted: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        self.accepted = accepted or {
            name: getattr(instance, name, "") or ""
            for name in self.privacy_fields
            if instance is not None and instance.pk
        }
        self.privacy_warned = False
        if self.privacy_fields:
            self.fields["save_anyway"] = forms.BooleanField(
                label=_("Save anyway: it is not about the client"), required=False
            )

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = tidy(value)
        if data.pop("save_anyway", False):
            return data
        for name in self.privacy_fields:
            text = data.get(name) or ""
            if not text or _found(text) <= _found(self.accepted.get(name, "")):
                continue
            self.add_error(name, warning_for(text))
            self.privacy_warned = True
        return data
