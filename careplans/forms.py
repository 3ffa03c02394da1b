from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from careplans.models import Action, CarePlan, Goal, Objective
from clients.forms import DateInput

LINES = {"rows": 4}


class VersionedForm(forms.Form):
    """Carries the version the form was opened at: a save is refused if the plan moved on since."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanStartForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=gettext_lazy("Start with these needs and goals"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Each one you tick becomes a goal you can reword with the client. You can add more later."),
    )
    strengths = forms.CharField(
        label=gettext_lazy("Strengths to build on"), required=False, widget=forms.Textarea(attrs=LINES),
        help_text=gettext_lazy("One per line."),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(str(item.pk), item.text) for item in items]


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = CarePlan
        fields = CarePlan.CONTENT_FIELDS
        widgets = {name: forms.Textarea(attrs=LINES) for name in CarePlan.CONTENT_FIELDS if name != "title"}


class GoalForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Goal
        fields = ["area", "client_words", "description"]
        widgets = {
            "client_words": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "client_words": gettext_lazy('As the client says it: "I want to see my daughter every other weekend".'),
        }


def _optional(model, name: str, **kwargs):
    """A model field as an optional form field: a row of a goal may be left empty to drop it."""
    return model._meta.get_field(name).formfield(required=False, **kwargs)


class ObjectiveForm(forms.Form):
    text = _optional(Objective, "text", label=gettext_lazy("Measurable objective"))
    target_date = _optional(Objective, "target_date", widget=DateInput())


class ActionForm(forms.Form):
    text = _optional(Action, "text", label=gettext_lazy("Action or strategy"))
    who = _optional(Action, "who")
    who_name = _optional(Action, "who_name", help_text="")
    due_on = _optional(Action, "due_on", widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("text") and not cleaned.get("who"):
            self.add_error("who", _("Say who does this."))
        return cleaned


class RowFormSet(forms.BaseFormSet):
    """Rows left empty are dropped; a row with only a date or a name asks for its text."""

    def rows(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("text")]

    def clean(self):
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if data and not data.get("text") and any(data.values()):
                form.add_error("text", _("Write the text, or clear the row."))


def row_formset(form_class, extra: int):
    return forms.formset_factory(form_class, formset=RowFormSet, extra=extra, can_delete=False)


class GoalStatusForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["status", "status_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Goal.Status.DISCONTINUED and not (cleaned.get("status_reason") or "").strip():
            self.add_error("status_reason", _("Say why the goal is discontinued."))
        return cleaned


class PasswordForm(forms.Form):
    """The staff member confirms who they are with their password (signing, taking the tablet back)."""

    password = forms.CharField(
        label=gettext_lazy("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not the password of %(name)s.") % {"name": self.user.display_name})
        return password


class TabletSignForm(forms.Form):
    printed_name = forms.CharField(label=gettext_lazy("Your name in capitals or as you write it"), max_length=200)
    # Sizes are checked by careplans.signature_payload, with a message the signer can read.
    signature_svg = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)
    signature_png = forms.CharField(required=False, widget=forms.HiddenInput)


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label=gettext_lazy("Why not sign? (the case manager can help write this down)"), max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    close_reason = forms.CharField(label=gettext_lazy("Why is the plan closed?"), max_length=300)
