from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.forms import DateInput


class InstrumentForm(forms.Form):
    """One radio group per item of an instrument's definition; nothing here is instrument-specific."""

    administered_on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["administered_on"].initial = timezone.localdate()
        for number, item in enumerate(instrument.items, start=1):
            field = forms.TypedChoiceField(
                label=item.text,
                choices=[(value, label) for value, label in item.options],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
            field.number = number
            field.item = item
            self.fields[f"item_{item.key}"] = field

    def clean_administered_on(self):
        day = self.cleaned_data["administered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return day

    def answers(self) -> dict[str, int]:
        return {
            name.removeprefix("item_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_") and value not in (None, "")
        }

    def item_fields(self):
        return [self[name] for name in self.fields if name.startswith("item_")]


class RiskFlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of risk"))
    reason = forms.CharField(label=_("What was found, and by whom"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from assessments.models import RiskFlag

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = RiskFlag.Kind.choices


class ClearRiskFlagForm(forms.Form):
    clear_reason = forms.CharField(
        label=_("Why the risk no longer applies"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
