import re

from django import forms
from django.conf import global_settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.models import Client, ClientContact, ClientStatusChange, Dependant

OLDEST_AGE = 120


_PHONE_ALLOWED = re.compile(r"^\+?[\d\s().-]+$")


def normalize_phone(value: str) -> str:
    """'+45 20 12-34 56' → '+4520123456', so the same number always matches itself."""
    value = (value or "").strip()
    if not value:
        return ""
    if not _PHONE_ALLOWED.match(value):
        raise forms.ValidationError(_("Use digits, spaces, dashes, brackets and a leading + only."))
    digits = re.sub(r"\D", "", value)
    if not 6 <= len(digits) <= 15:
        raise forms.ValidationError(_("A phone number has between 6 and 15 digits."))
    return ("+" if value.startswith("+") else "") + digits


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionedForm(forms.ModelForm):
    """Carries the version the user started from, so a save over someone else's change is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.initial.setdefault("version", self.instance.version)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0


class ClientForm(VersionedForm):
    class Meta:
        model = Client
        fields = [
            "legal_given_name",
            "legal_family_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "sex",
            "gender_identity",
            "preferred_language",
            "interpreter_needed",
            "phone",
            "email",
            "address",
            "postal_code",
            "city",
            "referral_source",
            "advance_statement",
            "advance_statement_updated_on",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "advance_statement_updated_on": DateInput(),
            "advance_statement": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"
        # Language names in the reader's language ("dansk", "Danish"), in their alphabetical order.
        languages = [(code, gettext(name)) for code, name in global_settings.LANGUAGES]
        self.fields["preferred_language"].choices = sorted(languages, key=lambda choice: choice[1].casefold())

    def clean_legal_given_name(self):
        return self.cleaned_data["legal_given_name"].strip()

    def clean_legal_family_name(self):
        return self.cleaned_data["legal_family_name"].strip()

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("The date of birth is in the future."))
        if today.year - born.year > OLDEST_AGE:
            raise forms.ValidationError(_("Check the year: that would make the client over %(age)s.") % {"age": OLDEST_AGE})
        return born

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class RegisterClientForm(ClientForm):
    status = forms.TypedChoiceField(
        label=_("Status at registration"),
        choices=[(Client.Status.REFERRED, _("Referred (not yet seen)")), (Client.Status.ACTIVE, _("Active"))],
        initial=Client.Status.REFERRED,
    )
    case_manager = forms.ModelChoiceField(
        label=_("Case manager"), queryset=None, required=False, empty_label=_("Not assigned yet")
    )
    confirm_new = forms.BooleanField(
        label=_("I have checked: this is a different person. Register a new record."), required=False
    )

    class Meta(ClientForm.Meta):
        fields = [f for f in ClientForm.Meta.fields if not f.startswith("advance_statement")]

    def __init__(self, *args, assignable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignable is None:
            del self.fields["case_manager"]
        else:
            self.fields["case_manager"].queryset = assignable

    def values(self) -> dict:
        return {**super().values(), "status": self.cleaned_data["status"]}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a client"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, client number or date of birth"), "type": "search"}),
    )


class StatusChangeForm(forms.ModelForm):
    to_status = forms.ChoiceField(label=_("New status"))

    class Meta:
        model = ClientStatusChange
        fields = ["to_status", "effective_date", "discharge_reason", "discharge_summary", "note"]
        widgets = {
            "effective_date": DateInput(),
            "discharge_summary": forms.Textarea(attrs={"rows": 5}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["to_status"].choices = [(s, Client.Status(s).label) for s in client.allowed_status_changes()]
        self.fields["effective_date"].initial = timezone.localdate()

    def clean_effective_date(self):
        effective = self.cleaned_data["effective_date"]
        if effective > timezone.localdate():
            raise forms.ValidationError(_("A status change cannot be dated in the future."))
        return effective

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_status") == Client.Status.DISCHARGED:
            if not cleaned.get("discharge_reason"):
                self.add_error("discharge_reason", _("Give the reason for discharge."))
            if not (cleaned.get("discharge_summary") or "").strip():
                self.add_error("discharge_summary", _("Write a discharge summary."))
        elif self.client.status == Client.Status.DISCHARGED and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why the record is re-opened."))
        return cleaned


class ContactForm(VersionedForm):
    class Meta:
        model = ClientContact
        fields = [
            "role",
            "name",
            "relationship",
            "phone",
            "email",
            "address",
            "consents_to_involvement",
            "consent_recorded_on",
            "notes",
            "is_active",
            "ended_on",
            "end_reason",
        ]
        widgets = {
            "consent_recorded_on": DateInput(),
            "ended_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"is_active": _("Still involved")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            for name in ("is_active", "ended_on", "end_reason"):
                del self.fields[name]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consents_to_involvement") and not cleaned.get("consent_recorded_on"):
            cleaned["consent_recorded_on"] = timezone.localdate()
        if "is_active" in self.fields and not cleaned.get("is_active"):
            if not (cleaned.get("end_reason") or "").strip():
                self.add_error("end_reason", _("Say why this person is no longer involved."))
            if not cleaned.get("ended_on"):
                cleaned["ended_on"] = timezone.localdate()
        return cleaned


class DependantForm(VersionedForm):
    class Meta:
        model = Dependant
        fields = ["name", "relationship", "date_of_birth", "lives_with", "contact_arrangement", "support_needed", "is_active"]
        widgets = {"date_of_birth": DateInput(), "support_needed": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_active": _("Still a dependant")}

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth is in the future."))
        return born


class EmergencyAccessForm(forms.Form):
    """Break the glass: which client, and why it cannot wait for their own team."""

    client_number = forms.CharField(
        label=_("Client number"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you need this record now. The client's team supervisor reads this, and it stays in the audit trail."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = None

    def clean_client_number(self):
        number = self.cleaned_data["client_number"].strip()
        # Deliberately agency-wide: this is the one door to a record outside one's caseload.
        self.client = Client.objects.filter(client_number__iexact=number).select_related("team").first()
        if self.client is None:
            raise forms.ValidationError(_("No client has this number. Check it against the referral or the client's card."))
        return number

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError(_("Say why in a sentence a reviewer will understand later."))
        return reason


class EmergencyReviewForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)
