"""The timeline's filter fields (selects and dates) as crispy-forms' Bootstrap 5 pack writes them, without its templates.

`{{ field|as_crispy_field }}` renders crispy's field template and Django's widget templates, one
include per option: five fields with about 35 options were a third of the note timeline's template
time. `crispy_filter_field` writes the same HTML, to the character, from the bound field: the
widget's own context (values, choices, ids, aria attributes), every value escaped. A field it does
not know (another widget, a help text, a required field, a form with error classes) goes to crispy.
tests/caseload/test_filter_fields.py compares the two in every language, with and without errors.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

FIELD = (
    '\n\n\n    \n    <div id="div_{auto_id}" class="mb-3">\n        \n            \n            <label\n'
    '                for="{for_id}" class="form-label">\n                {label}\n            </label>\n'
    "        \n\n        \n\n        \n            \n                \n                    \n"
    "{widget}"
    "                    \n                    \n                        \n\n\n    \n"
    "{errors}"
    "\n\n\n\n    \n\n\n\n                    \n                \n            \n        \n        \n    </div>\n    \n\n"
)
SELECT = "                        \n                            {}\n                        \n"
INPUT = "                        {}\n"
ERRORS = '    <div id="{field_id}_error" class="invalid-feedback">\n{errors}    \n    </div>\n\n'
ERROR = '    \n        <p id="error_{number}_{auto_id}"><strong>{error}</strong></p>\n'


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items() if value is not False
    )


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html and select_option.html, stripped as Django's renderer strips them."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f'{conditional_escape(option["label"])}</option>\n'
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f'{value}{_attrs(widget["attrs"])}>'
    )


def _known(field) -> bool:
    widget = field.field.widget
    plain = type(widget) is forms.Select or (isinstance(widget, forms.DateInput) and widget.input_type == "date")
    return (
        plain and field.label and not field.help_text and not field.field.required and not field.css_classes()
        and not field.field.localize and not getattr(widget, "widgets", None)
    )


@register.filter
def crispy_filter_field(field) -> SafeString:
    """`field|as_crispy_field`, the same HTML, for a select or a date input without help text."""
    if not _known(field):
        return as_crispy_field(field)
    widget = field.field.widget
    select = isinstance(widget, forms.Select)
    # What crispy's {% crispy_field %} does to the widget: its class name, then Bootstrap's classes.
    class_name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    css = (css if class_name in css else f"{css} {class_name}") if css else class_name
    for extra in ("form-select" if select else "form-control", *(["is-invalid"] if field.errors else [])):
        if extra not in css.split():
            css += f" {extra}"
    widget.attrs["class"] = css
    # BoundField.as_widget(), up to the template.
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    errors = ""
    if field.errors:
        errors = ERRORS.format(
            field_id=conditional_escape(field.errors.field_id),
            errors="".join(
                ERROR.format(number=number, auto_id=conditional_escape(field.auto_id), error=conditional_escape(error))
                for number, error in enumerate(field.errors, start=1)
            ),
        )
    return mark_safe(FIELD.format(  # noqa: S308 - every value is escaped
        auto_id=conditional_escape(field.auto_id),
        for_id=conditional_escape(field.id_for_label),
        label=conditional_escape(field.label),
        widget=(SELECT if select else INPUT).format(_select(context) if select else _input(context)),
        errors=errors,
    ))
