from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class CaseManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        count = getattr(obj, "open_clients", None)
        if count is None:
            return obj.display_name
        return _("%(name)s — %(count)s open clients") % {"name": obj.display_name, "count": count}


class AssignForm(forms.Form):
    case_manager = CaseManagerChoiceField(
        label=_("New case manager"), queryset=None, empty_label=_("Choose a case manager")
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Both case managers see this, and it stays in the client's assignment history."),
    )

    def __init__(self, *args, assignable, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = assignable.exclude(pk=current.pk) if current else assignable

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise forms.ValidationError(_("Give a reason a colleague will understand later."))
        return reason



class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class ProfileForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}
