"""The coordinator's filter of the access log: by client, by person, by period; setting up
sign-in with a set-up link: the password and the code of the new app."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
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


class SetupForm(forms.Form):
    """Setting up sign-in with a set-up link: the person's password, or a new one for an
    account that has none yet, and the code that the app they just scanned shows.

    The link is not a password: an account with a password asks for it (checked through
    `authenticate`, so django-axes counts wrong ones as failed logins and locks as at the
    login). Once given, the set-up asks only for the code (`asks_password`).
    """

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput,
    )
    new_password1 = forms.CharField(label=_("Choose a password"), strip=False, required=False)
    new_password2 = forms.CharField(label=_("The same password again"), strip=False, required=False)
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=20,
        error_messages={"required": _("Type the code your app shows.")},
    )

    def __init__(self, *args, user, request, asks_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request, self.asks_password = user, request, asks_password
        self.has_password = user.has_usable_password()

    @property
    def new_password(self) -> str | None:
        """The password chosen here (None: the account keeps the one it has)."""
        if not self.asks_password or self.has_password:
            return None
        return self.cleaned_data["new_password1"]

    def clean(self):
        data = super().clean()
        if not self.asks_password:
            return data
        if self.has_password:
            self.check_password(data.get("password", ""))
        else:
            self.check_new_password(data.get("new_password1", ""), data.get("new_password2", ""))
        return data

    def check_password(self, password: str) -> None:
        if not password:
            self.add_error("password", _("Type your password."))
        elif authenticate(self.request, username=self.user.email, password=password) is None:
            self.add_error("password", _("That is not the password of this account."))

    def check_new_password(self, first: str, second: str) -> None:
        if not first:
            self.add_error("new_password1", _("Choose a password."))
            return
        if first != second:
            self.add_error("new_password2", _("The two passwords are not the same."))
            return
        try:
            password_validation.validate_password(first, self.user)
        except ValidationError as error:
            self.add_error("new_password1", error)
