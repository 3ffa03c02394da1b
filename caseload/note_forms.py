from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from caseload.models import ProgressNote
from clients.forms import DateInput


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class NoteForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    goals = forms.MultipleChoiceField(
        label=_("Care plan goals addressed"), required=False, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ProgressNote
        fields = ProgressNote.CONTENT_FIELDS
        widgets = {
            "contact_at": DateTimeInput(),
            "follow_up_on": DateInput(),
            "format": forms.RadioSelect,
            "data": forms.Textarea(attrs={"rows": 4}),
            "assessment": forms.Textarea(attrs={"rows": 3}),
            "plan": forms.Textarea(attrs={"rows": 3}),
            "free_text": forms.Textarea(attrs={"rows": 8}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        duration = self.fields["duration_minutes"]
        duration.validators += [MinValueValidator(1), MaxValueValidator(720)]
        duration.widget.attrs.update({"min": 1, "max": 720})
        self.fields["goals"].choices = [
            (str(goal.pk), f"{goal.position + 1}. {goal.client_words}") for goal in goals
        ]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ProgressNote.CONTENT_FIELDS}


class AddendumForm(forms.Form):
    text = forms.CharField(label=_("Addendum"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                           help_text=_("A correction or addition, dated and signed with your name, shown under the note."))


class TimelineFilterForm(forms.Form):
    contact_type = forms.ChoiceField(label=_("Type"), required=False,
                                     choices=[("", _("All types")), *ProgressNote.ContactType.choices])
    author = forms.ChoiceField(label=_("Written by"), required=False)
    goal = forms.ChoiceField(label=_("Goal"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, authors=(), goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = [("", _("Anyone")), *[(str(user.pk), user.display_name) for user in authors]]
        self.fields["goal"].choices = [("", _("Any goal")), *[(str(goal.lineage), goal.client_words[:80]) for goal in goals]]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            self.add_error("until", _("The end is before the start."))
        return cleaned
