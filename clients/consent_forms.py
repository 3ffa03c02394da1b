from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.forms import DateInput
from clients.models import Consent


class ConsentForm(forms.ModelForm):
    items = forms.MultipleChoiceField(
        label=_("What may be shared"), choices=Consent.Item.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one kind of information.")},
    )

    class Meta:
        model = Consent
        fields = ["organization", "recipient_person", "items", "covers_substance_use", "purpose", "valid_from",
                  "valid_until"]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}
        labels = {"organization": _("With which organization")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.order_by("name")
        if not self.is_bound and "valid_until" not in self.initial:
            self.initial["valid_until"] = timezone.localdate() + timedelta(days=365)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organization") and not (cleaned.get("recipient_person") or "").strip():
            self.add_error("organization", _("Choose an organization, or name a person."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date is before the start date."))
        return cleaned


class RevokeConsentForm(forms.Form):
    revoke_reason = forms.CharField(label=_("Why is the consent revoked?"), max_length=300)
