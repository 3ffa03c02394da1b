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


ITEM_FIELDS = (
    ("strengths", _("Strengths")),
    ("needs", _("Needs")),
    ("goals", _("The client's goals, in their own words")),
)
MAX_ITEM_LENGTH = 500


def _lines(text: str) -> list[str]:
    return [line.strip(" \t-•") for line in (text or "").splitlines() if line.strip(" \t-•")]


class AssessmentStartForm(forms.Form):
    occasion = forms.ChoiceField(label=_("Occasion"))
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        from assessments.models import Assessment

        super().__init__(*args, **kwargs)
        self.fields["occasion"].choices = Assessment.Occasion.choices
        self.fields["assessed_on"].initial = timezone.localdate()

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return day


class AssessmentForm(AssessmentStartForm):
    """Every domain's questions, narrative and lists on one page; built from assessments.domains."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, assessment, entries, items, **kwargs):
        from assessments.domains import CHOICE, DOMAINS, YES_NO

        super().__init__(*args, **kwargs)
        self.initial.update(occasion=assessment.occasion, assessed_on=assessment.assessed_on, version=assessment.version)
        self.domains = DOMAINS
        yes_no = [("", _("Not asked")), ("no", _("No")), ("yes", _("Yes"))]
        for domain in DOMAINS:
            entry = entries.get(domain.key)
            answers = entry.answers if entry else {}
            for question in domain.questions:
                name = f"{domain.key}__{question.key}"
                if question.kind == YES_NO:
                    field = forms.ChoiceField(label=question.label, choices=yes_no, required=False, widget=forms.RadioSelect)
                elif question.kind == CHOICE:
                    field = forms.ChoiceField(label=question.label, choices=[("", "—"), *question.choices], required=False)
                else:
                    field = forms.CharField(label=question.label, max_length=1000, required=False,
                                            widget=forms.Textarea(attrs={"rows": 2}))
                field.risk = bool(question.risk_kind)
                self.fields[name] = field
                self.initial[name] = answers.get(question.key, "")
            self.fields[f"{domain.key}__narrative"] = forms.CharField(
                label=_("Narrative"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
            )
            self.initial[f"{domain.key}__narrative"] = entry.narrative if entry else ""
            for field_name, label in ITEM_FIELDS:
                name = f"{domain.key}__{field_name}"
                self.fields[name] = forms.CharField(
                    label=label, required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3}),
                    help_text=_("One per line."),
                )
                self.initial[name] = "\n".join(items.get((domain.key, field_name), []))

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if name.endswith(("__strengths", "__needs", "__goals")):
                for line in _lines(value):
                    if len(line) > MAX_ITEM_LENGTH:
                        self.add_error(name, _("Keep each line under %(max)s characters.") % {"max": MAX_ITEM_LENGTH})
                        break
        return cleaned

    def sections(self):
        """(domain, question fields, narrative, item fields) for the template."""
        for domain in self.domains:
            yield (
                domain,
                [self[f"{domain.key}__{q.key}"] for q in domain.questions],
                self[f"{domain.key}__narrative"],
                [self[f"{domain.key}__{name}"] for name, _label in ITEM_FIELDS],
            )

    def header(self) -> dict:
        return {"occasion": self.cleaned_data["occasion"], "assessed_on": self.cleaned_data["assessed_on"]}

    def domain_content(self) -> dict[str, dict]:
        content = {}
        for domain in self.domains:
            answers = {
                q.key: self.cleaned_data[f"{domain.key}__{q.key}"]
                for q in domain.questions
                if self.cleaned_data.get(f"{domain.key}__{q.key}")
            }
            content[domain.key] = {
                "answers": answers,
                "narrative": self.cleaned_data[f"{domain.key}__narrative"].strip(),
                **{name: _lines(self.cleaned_data[f"{domain.key}__{name}"]) for name, _label in ITEM_FIELDS},
            }
        return content


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), required=False)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    client_consented = forms.BooleanField(label=_("Client consented to their involvement"), required=False)

    def __init__(self, *args, **kwargs):
        from assessments.models import Participant

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—")] + [c for c in Participant.Role.choices if c[0] != Participant.Role.CLIENT]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and not cleaned.get("role"):
            self.add_error("role", _("Say how this person took part."))
        return cleaned


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=0, max_num=12)


class AddendumForm(forms.Form):
    text = forms.CharField(label=_("Addendum"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
