"""Planning forms (coordinators and facilitators): a meeting, a case on its agenda."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks import access

from ..models import Client
from ..services.planning import check_new_pseudonym
from .freetext import FreeTextForm

PRIVACY_HINT = _(
    "Use the pseudonym only: no real names, BSN, addresses, phone numbers or dates of birth."
)


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the network, shown by name with the e-mail address to tell namesakes apart."""

    def label_from_instance(self, obj) -> str:
        name = str(obj)
        return name if name == obj.email else f"{name} ({obj.email})"


# A typing slip (year 1, year 9999) is not a meeting date; nor can the database store some.
MEETING_YEARS = (2000, 2099)


class MeetingForm(FreeTextForm, forms.Form):
    privacy_fields = ("place",)

    """Plan a meeting in one of the networks the user leads."""

    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Pick one of your networks.")},
    )
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Give the date and time of the meeting."),
            "invalid": _("Give a date and time, for example 2025-03-14 14:00."),
        },
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=150,
        required=False,
        help_text=_("For example the Huis van de Wijk and the room."),
    )
    facilitator = MemberChoiceField(
        label=_("Facilitator"),
        queryset=None,
        required=False,
        empty_label=_("— not decided yet —"),
        help_text=_("A coordinator or facilitator of the network: they run the console."),
        error_messages={
            "invalid_choice": _("Pick a coordinator or facilitator of the chosen network.")
        },
    )

    def __init__(self, *args, networks, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels without a colon, as on every other form
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        network = self.selected_network()
        ids = [network.pk] if network is not None else networks.values_list("pk", flat=True)
        self.fields["facilitator"].queryset = access.members(ids, leads_only=True)

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if not MEETING_YEARS[0] <= starts_at.year <= MEETING_YEARS[1]:
            raise forms.ValidationError(
                _("Give a date between %(first)s and %(last)s."),
                params={"first": MEETING_YEARS[0], "last": MEETING_YEARS[1]},
            )
        return starts_at

    def selected_network(self):
        """The network picked (typed or initial), if it is one of the user's lead networks."""
        queryset = self.fields["network"].queryset
        value = self.data.get("network") if self.is_bound else self.initial.get("network")
        if value in (None, ""):
            return queryset.first() if len(queryset) == 1 else None
        try:
            return queryset.filter(pk=getattr(value, "pk", value)).first()
        except (TypeError, ValueError):
            return None


class CaseForm(forms.Form):
    """Put a client's case on a meeting's agenda: an existing client or a new pseudonym."""

    client = forms.ModelChoiceField(
        label=_("Existing client"),
        queryset=None,
        required=False,
        empty_label=_("— a new client —"),
        error_messages={"invalid_choice": _("Pick a client of this network.")},
    )
    pseudonym = forms.CharField(
        label=_("Or a new pseudonym"),
        max_length=60,
        required=False,
        help_text=PRIVACY_HINT,
    )
    birth_year = forms.IntegerField(
        label=_("Birth year (optional)"),
        required=False,
        error_messages={"invalid": _("Give the birth year as four digits, for example 1981.")},
    )
    case_bringer = MemberChoiceField(
        label=_("Case-bringer"),
        queryset=None,
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Pick the case-bringer."),
            "invalid_choice": _("Pick a member of this network."),
        },
    )

    def __init__(self, *args, meeting, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels without a colon, as on every other form
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["client"].queryset = Client.objects.filter(
            network_id=meeting.network_id
        ).exclude(discussions__meeting=meeting)
        self.fields["case_bringer"].queryset = access.members([meeting.network_id])
        self.has_clients = self.fields["client"].queryset.exists()
        if not self.has_clients:
            self.fields["pseudonym"].label = _("Pseudonym of the new client")

    def clean_pseudonym(self) -> str:
        pseudonym = self.cleaned_data["pseudonym"]
        if not pseudonym.strip():
            return ""
        return check_new_pseudonym(network_id=self.meeting.network_id, pseudonym=pseudonym)

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data["birth_year"]
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise forms.ValidationError(
                _("Give a birth year between 1900 and %(year)s.")
                % {"year": timezone.localdate().year}
            )
        return year

    def clean(self):
        data = super().clean()
        client, pseudonym = data.get("client"), data.get("pseudonym")
        if "pseudonym" not in self.errors and "client" not in self.errors:
            if client and pseudonym:
                self.add_error(
                    "pseudonym",
                    _("Pick an existing client or give a new pseudonym, not both."),
                )
            elif not client and not pseudonym:
                self.add_error("pseudonym", _("Pick a client or give a new pseudonym."))
        if client and data.get("birth_year") is not None:
            self.add_error(
                "birth_year", _("The birth year is only for a new client; leave it empty.")
            )
        return data
