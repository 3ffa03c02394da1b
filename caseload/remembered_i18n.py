"""`{% translate "…" %}` of a literal, remembered per language.

`install()` (from CaseloadConfig.ready, before any template is read) puts this tag in Django's own
`i18n` library under both its names, so every `{% load i18n %}` gets it. (Offering a library of
our own under the name `i18n` would do the same, but Django's checks warn of two libraries of one
name, and production must pass `check --deploy` without a warning.) A client's record has some
sixty `{% translate "…" %}`; Django makes a lazy translation object for each on every render and
evaluates it at once, some 15 µs a tag. The text of a literal depends only on the active language (and `noop`), so it is worked out
by Django's own code the first time and taken from memory after that. A variable, a filter or a
`context` is translated by Django every time, as before. Everything else in the library is Django's.
"""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import render_value_in_context
from django.templatetags import i18n as django_i18n
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe

_remembered: dict[tuple, str] = {}


class RememberedTranslateNode(django_i18n.TranslateNode):
    def render(self, context):
        literal = getattr(self.filter_expression.var, "literal", None)
        if self.message_context is not None or self.filter_expression.filters or not isinstance(literal, str):
            return super().render(context)
        key = (translation.get_language(), literal, self.noop, context.autoescape)
        value = _remembered.get(key)
        if value is None:
            value = _remembered[key] = self.translated(context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value

    def translated(self, context):
        """What Django's TranslateNode.render gives (without `as`): the same steps."""
        self.filter_expression.var.translate = not self.noop
        value = render_value_in_context(self.filter_expression.resolve(context), context)
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        return mark_safe(value) if is_safe else value


def do_translate(parser, token):
    """Django's `{% translate %}`, parsed by Django, rendered by `RememberedTranslateNode`."""
    node = django_i18n.do_translate(parser, token)
    return RememberedTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


def install() -> None:
    django_i18n.register.tag("translate", do_translate)
    django_i18n.register.tag("trans", do_translate)


@receiver(setting_changed)
def forget(*, setting, **kwargs):
    """A test that changes the languages or the catalogues gets its translations afresh."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}:
        _remembered.clear()
