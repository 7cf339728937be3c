"""Forms of the live session and the review. Messages are in the user's language."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from akad.models import LEAD_ROLES, Organisation
from matrices.models import Column, Domain, Level

from .models import CaseDiscussion, Decision, Result, Tip

PRIVACY_HINT = _(
    "Use the pseudonym only: no real names, BSN, addresses, phone numbers or dates of birth."
)


class PresentationForm(forms.ModelForm):
    class Meta:
        model = CaseDiscussion
        fields = CaseDiscussion.PRESENTATION_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in CaseDiscussion.PRESENTATION_FIELDS
        }


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


class TipForm(KeyedForm):
    """A new tip in one cell."""

    text = forms.CharField(
        label=_("Tip"),
        max_length=500,
        error_messages={"required": _("Write the tip first.")},
    )
    domain = forms.ModelChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.none(),
        error_messages={
            "required": _("Pick a domain."),
            "invalid_choice": _("Pick a marked domain."),
        },
    )
    column = forms.ModelChoiceField(
        label=_("Column"),
        queryset=Column.objects.none(),
        error_messages={
            "required": _("Pick a column."),
            "invalid_choice": _("Pick a column of the placemat."),
        },
    )
    given_by = forms.CharField(label=_("Given by"), max_length=100, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— none —"),
        error_messages={"invalid_choice": _("Pick an organisation of this network.")},
    )

    def __init__(self, *args, case: CaseDiscussion, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        network = case.meeting.network
        self.fields["domain"].queryset = Domain.objects.filter(
            pk__in=case.goals.values("domain_id")
        )
        self.fields["column"].queryset = Column.objects.filter(matrix_id=network.matrix_id)
        self.fields["organisation"].queryset = Organisation.objects.filter(network=network)
        if not self.is_bound and case.spotlight_id:
            self.initial.setdefault("column", case.spotlight_id)


class TipEditForm(forms.ModelForm):
    """Edit a tip's text, or move it to another cell.

    Its ids are its own (`id_edit<pk>_text`): the new-tip form on the same page has `id_text`.
    """

    class Meta:
        model = Tip
        fields = ["text", "domain", "column", "given_by", "organisation"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_edit{kwargs['instance'].pk}_%s")
        super().__init__(*args, **kwargs)
        case = self.instance.case
        network = case.meeting.network
        self.fields["domain"].queryset = Domain.objects.filter(
            pk__in=case.goals.values("domain_id")
        )
        self.fields["column"].queryset = Column.objects.filter(matrix_id=network.matrix_id)
        self.fields["organisation"].queryset = Organisation.objects.filter(network=network)
        self.fields["domain"].empty_label = self.fields["column"].empty_label = None
        self.fields["organisation"].empty_label = _("— none —")
        self.fields["text"].error_messages["required"] = _("A tip cannot be empty.")
        # The same words as the new-tip form for a cell or organisation that is not allowed.
        for name in ("domain", "column", "organisation"):
            choice = TipForm.base_fields[name].error_messages["invalid_choice"]
            self.fields[name].error_messages["invalid_choice"] = choice


class ChooseForm(forms.Form):
    """Afronding: take the tip to the client, with an action (who, what, when)."""

    chosen = forms.BooleanField(label=_("Take to the client"), required=False)
    action_who = forms.CharField(label=_("Who"), max_length=100, required=False)
    action_what = forms.CharField(
        label=_("What"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action_when = forms.CharField(label=_("When"), max_length=100, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Client's decision"), choices=Decision.choices, required=False
    )


class OutcomeForm(KeyedForm):
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


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did this discussion go? (1–5)"),
        choices=[("", "–")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    remark = forms.CharField(label=_("Remark"), max_length=300, required=False)


# Coordinator: plan a meeting, put a case on its agenda ----------------------------------------


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the network, shown by name with the e-mail address to tell namesakes apart."""

    def label_from_instance(self, obj) -> str:
        name = str(obj)
        return name if name == obj.email else f"{name} ({obj.email})"


def _members_of(network_ids, *, roles=None):
    """Active members of these networks (with one of `roles`, when given)."""
    from akad.models import User

    members = User.objects.filter(memberships__network_id__in=list(network_ids), is_active=True)
    if roles is not None:
        members = members.filter(memberships__role__in=roles)
    return members.distinct().order_by("display_name", "email")


# A typing slip (year 1, year 9999) is not a meeting date; nor can the database store some.
MEETING_YEARS = (2000, 2099)


class MeetingForm(forms.Form):
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
        self.fields["facilitator"].queryset = _members_of(ids, roles=LEAD_ROLES)

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
        from .models import Client

        self.meeting = meeting
        self.fields["client"].queryset = Client.objects.filter(
            network_id=meeting.network_id
        ).exclude(discussions__meeting=meeting)
        self.fields["case_bringer"].queryset = _members_of([meeting.network_id])
        self.has_clients = self.fields["client"].queryset.exists()
        if not self.has_clients:
            self.fields["pseudonym"].label = _("Pseudonym of the new client")

    def clean_pseudonym(self) -> str:
        from .privacy import looks_identifying

        pseudonym = " ".join(self.cleaned_data["pseudonym"].split())
        problem = looks_identifying(pseudonym)
        if problem:
            raise forms.ValidationError(problem)
        if pseudonym and self.meeting.network.clients.filter(pseudonym__iexact=pseudonym).exists():
            raise forms.ValidationError(
                _(
                    "A client with this pseudonym already exists in this network. "
                    "Pick them from the list."
                )
            )
        return pseudonym

    def clean_birth_year(self) -> int | None:
        from django.utils import timezone

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
