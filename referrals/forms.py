import uuid

from django import forms
from django.conf import global_settings
from django.utils.translation import gettext_lazy as _

from referrals import hsds
from referrals.models import PARTNER_STATUSES, Category, CloseReason, SharedItem, Status, Urgency


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("Any category")), *Category.choices])
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", _("Any language")), *global_settings.LANGUAGES])


class ReferralForm(forms.Form):
    reason = forms.CharField(label=_("Reason for referral"), widget=forms.Textarea(attrs={"rows": 4}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    goal = forms.ModelChoiceField(label=_("Care-plan goal it serves"), queryset=None, required=False)
    shared_items = forms.MultipleChoiceField(
        label=_("What is shared"), choices=SharedItem.choices, widget=forms.CheckboxSelectMultiple,
        initial=[SharedItem.CONTACT, SharedItem.REASON],
        help_text=_("Only what the client's consent covers is sent. Substance-use information goes only under a "
                    "consent that names it, with the redisclosure notice."),
        error_messages={"required": _("Tick at least one kind of information.")},
    )

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals
        self.fields["goal"].label_from_instance = lambda goal: goal.client_words or goal.description


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_status = forms.ChoiceField(label=_("New status"))
    appointment_at = forms.DateTimeField(label=_("Appointment"), required=False, widget=DateTimeInput())
    close_reason = forms.ChoiceField(label=_("Why closed"), required=False,
                                     choices=[("", "—"), *CloseReason.choices])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when declined, or closed for another reason."))

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(status, Status(status).label) for status in statuses]


class PartnerUpdateForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect)
    appointment_at = forms.DateTimeField(label=_("Appointment date and time"), required=False, widget=DateTimeInput())
    note = forms.CharField(label=_("Note for the case manager"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when you decline: say why."))
    name = forms.CharField(label=_("Your name"), required=False, max_length=100)

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (status, Status(status).label) for status in statuses if status in PARTNER_STATUSES]


class ReopenForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Why re-open?"), required=False, max_length=300)


class EmailForm(forms.Form):
    to = forms.EmailField(label=_("Send the letter to"))
    request_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex, max_length=40)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".zip,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class DirectoryImportForm(forms.Form):
    files = MultipleFileField(
        label=_("A zip of the four files, or the four CSV files"),
        help_text=_("organizations.csv, services.csv, locations.csv and phones.csv in the Open Referral (HSDS) "
                    "layout. A file with any bad row imports nothing."),
        error_messages={"required": _("Choose a zip or the CSV files.")},
    )

    def clean_files(self):
        """Only .zip and .csv files, none larger than the limits, a zip not expanding past them either."""
        uploads = self.cleaned_data["files"]
        limit_mb = hsds.MAX_UPLOAD_BYTES // (1024 * 1024)
        for upload in uploads:
            name = upload.name.rsplit("/", 1)[-1]
            if not name.lower().endswith((".zip", ".csv")):
                raise forms.ValidationError(_("%(name)s is not a .zip or .csv file.") % {"name": name})
            if upload.size > hsds.MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": limit_mb})
            if name.lower().endswith(".zip") and hsds.unzipped_size(upload) > hsds.MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("%(name)s holds more than %(limit)s MB once unpacked.") % {"name": name, "limit": limit_mb})
        return uploads
