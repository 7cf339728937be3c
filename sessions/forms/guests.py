"""Forms of the people in the room: joining with the code, tips from a phone, and the
facilitator adding someone present without a phone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matrices.models import Column, Domain
from networks.models import Organisation

from ..models import TIP_MAX_LENGTH, CaseDiscussion, Guest, Meeting
from .freetext import FreeTextForm
from .keyed import KeyedForm
from .tips import CellField

NAME_MAX_LENGTH = Guest._meta.get_field("display_name").max_length
ORGANISATION_MAX_LENGTH = Guest._meta.get_field("organisation_name").max_length


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        error_messages={"required": _("Type the code shown on the screen.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "placeholder": "AKP-7W3",
            }
        ),
    )


class PersonForm(FreeTextForm, forms.Form):
    """A name and an organisation: one of the social map, or typed (both tidied)."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("As the room knows you; it is shown with your tips."),
        error_messages={"required": _("Give your name, as the room knows you.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— not on the list, or none —"),
        error_messages={"invalid_choice": _("Pick an organisation of this network.")},
    )
    organisation_name = forms.CharField(
        label=_("Or type your organisation"),
        max_length=ORGANISATION_MAX_LENGTH,
        required=False,
        help_text=_("Leave both empty if you are here for yourself."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            network_id=meeting.network_id
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("organisation") is not None:
            data["organisation_name"] = ""  # the list wins over a name typed as well
        return data


class PresentForm(PersonForm):
    """The facilitator adds someone present without a phone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].label = _("Name")
        self.fields["display_name"].help_text = ""
        self.fields["display_name"].error_messages["required"] = _("Give their name.")
        self.fields["organisation_name"].label = _("Or type the organisation")
        self.fields["organisation_name"].help_text = ""


TIP_TOO_LONG = _("A tip has at most %(limit_value)d characters; this one has %(show_value)d.")


class PhoneCellForm(FreeTextForm, forms.Form):
    """The cell and text of a tip from a phone: a marked domain and a column of the placemat.

    The text is checked as every free text about a client is (`FreeTextForm`): what looks like
    a BSN, a phone number or an address is refused with a message, unless sent anyway.
    """

    privacy_fields = ("text",)

    domain = forms.ModelChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Pick a domain."),
            "invalid_choice": _("Pick a marked domain."),
        },
    )
    column = forms.ModelChoiceField(
        label=_("Column"),
        queryset=Column.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Pick a column."),
            "invalid_choice": _("Pick a column of the placemat."),
        },
    )
    text = forms.CharField(
        label=_("Your tip"),
        max_length=TIP_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the tip first."), "max_length": TIP_TOO_LONG},
    )

    def __init__(self, *args, case: CaseDiscussion, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.offer_cells(case)

    def offer_cells(self, case: CaseDiscussion) -> None:
        """The marked domains and the placemat's columns the posted cell is checked against."""
        self.fields["domain"].queryset = Domain.objects.filter(
            pk__in=case.goals.values("domain_id")
        ).order_by("order")
        self.fields["column"].queryset = Column.objects.filter(
            matrix_id=case.meeting.network.matrix_id
        ).order_by("order")


class PhoneTipForm(KeyedForm, PhoneCellForm):
    """A new tip from a phone; its key makes a double tap or a resend store one tip.

    Its cell comes as ids (`CellField`): services.guests.add_guest_tip checks them with the
    write, in the query that locks the domain's goal (the phone's page lists the options
    from the room's placemat, not from these fields).
    """

    domain = CellField(
        label=_("Domain"), required=_("Pick a domain."), invalid=_("Pick a marked domain.")
    )
    column = CellField(
        label=_("Column"),
        required=_("Pick a column."),
        invalid=_("Pick a column of the placemat."),
    )

    def offer_cells(self, case: CaseDiscussion) -> None:
        pass  # ids, checked with the write

    def __init__(self, *args, case: CaseDiscussion, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        if not self.is_bound and case.spotlight_id:
            self.initial.setdefault("column", case.spotlight_id)
