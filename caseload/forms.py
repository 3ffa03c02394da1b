from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class QuickSelect(forms.Select):
    """A select rendered in Python rather than by one template per option.

    Django renders each option through its own template (about half a millisecond each); a list of an
    agency's case managers is a hundred options long, and that was most of a page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "", "<option value=\"{}\"{}>{}</option>",
                (("" if option["value"] is None else str(option["value"]), flatatt(option["attrs"]), option["label"])
                 for option in options),
            )
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name else rendered)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(widget["attrs"]), mark_safe("".join(groups)))


class CaseManagerChoiceField(forms.ModelChoiceField):
    widget = QuickSelect

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
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked_out": _("Too many failed sign-ins for this username or from this address. Wait %(minutes)s "
                        "minutes and try again, or ask an administrator."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class SecondFactorForm(forms.Form):
    """The code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, user, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.check = check
        self.device = None

    def clean_code(self):
        self.device = self.check(user=self.user, code=self.cleaned_data["code"])
        if self.device is None:
            raise forms.ValidationError(
                _("That code is not right, or has been used already. Wait for the next code and try again.")
            )
        return self.cleaned_data["code"]


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
class ProfileForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}
