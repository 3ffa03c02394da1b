"""Forms of the supervisor's caseload page: moving clients to another case manager, and a client's acuity."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from caseload.forms import CaseManagerChoiceField
from clients.models import Acuity

MAX_CLIENTS_MOVED = 200  # more than a full caseload; a larger post is not a person ticking boxes


class ClientIdsField(forms.Field):
    """The ticked clients: a list of ids from the form body (never from the address)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Tick at least one client to move."),
        "invalid": _("The selection could not be read. Tick the clients again."),
        "too_many": _("Move at most %(max)s clients at a time."),
    }

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            ids = list(dict.fromkeys(uuid.UUID(str(item)) for item in value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(ids) > MAX_CLIENTS_MOVED:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many", params={"max": MAX_CLIENTS_MOVED})
        return ids


class MoveForm(forms.Form):
    """Which of `source`'s clients move, to whom, and why."""

    clients = ClientIdsField(label=_("Clients to move"))
    to = CaseManagerChoiceField(
        label=_("Move to"), queryset=None, empty_label=_("Choose a case manager"),
        error_messages={"required": _("Choose the case manager who takes the clients.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Both case managers see this, and it stays in each client's assignment history."),
        error_messages={"required": _("Say why the clients are moving.")},
    )

    def __init__(self, *args, source, assignable, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["to"].queryset = assignable

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise forms.ValidationError(_("Give a reason a colleague will understand later."))
        return reason

    def clean_to(self):
        to = self.cleaned_data["to"]
        if to.pk == self.source.pk:
            raise forms.ValidationError(
                _("%(name)s already carries these clients: choose another case manager.") % {"name": to.display_name}
            )
        return to


class AcuityForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"), choices=Acuity.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a level.")},
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the record does not show: an eviction, a new diagnosis, daily calls. "
                    "It holds until it is withdrawn."),
        error_messages={"required": _("Say why the level differs from what the record shows.")},
    )

