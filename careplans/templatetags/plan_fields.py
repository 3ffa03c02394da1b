"""The plan form's ten fields, as crispy-forms renders them, without crispy's templates on every request.

`{{ field|as_crispy_field }}` renders four nested templates a field: on the draft's edit page the ten
fields of the plan were a third of the page's time. What crispy makes of a field depends on the
form's class, the field's name and the language (label, help text), and on its value only where the
value goes. So each field is rendered by crispy once per language and process, with a marker where
the value goes (and once without a value: then the widget leaves the value out altogether), and a
page puts the escaped value in place of the marker: the same HTML as crispy's.

A bound form (a save that came back) is rendered by crispy itself, with its errors and what was typed.
Only for forms whose fields are the same for every instance (labels, attributes, required), as the
plan form's are: a form that changes them per instance would get the first one's.
"""

from html import escape

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()
MARKER = "PLANFIELDVALUE0c1f9e"
TEXT_WIDGETS = (forms.TextInput, forms.Textarea)  # the value is text, in one place
_skeletons: dict[tuple, tuple[str, str]] = {}


def _skeleton(field: BoundField) -> tuple[str, str]:
    """Crispy's rendering of the field with the marker as its value, and with no value."""
    key = (type(field.form), field.html_name, field.auto_id, get_language())
    skeleton = _skeletons.get(key)
    if skeleton is None:
        form_class = type(field.form)
        marked = form_class(initial={field.name: MARKER}, auto_id=field.form.auto_id, prefix=field.form.prefix)
        empty = form_class(initial={field.name: ""}, auto_id=field.form.auto_id, prefix=field.form.prefix)
        skeleton = _skeletons[key] = (str(as_crispy_field(marked[field.name])), str(as_crispy_field(empty[field.name])))
    return skeleton


@register.filter
def as_plan_field(field: BoundField) -> SafeString:
    """`as_crispy_field` for a text field of an unbound form; anything else goes to crispy itself."""
    if field.form.is_bound or field.errors or not isinstance(field.field.widget, TEXT_WIDGETS):
        return as_crispy_field(field)
    value = field.field.widget.format_value(field.value())
    marked, empty = _skeleton(field)
    if value is None:
        return mark_safe(empty)  # noqa: S308 - crispy's own rendering
    return mark_safe(marked.replace(MARKER, escape(str(value))))  # noqa: S308 - crispy's, with the value escaped
