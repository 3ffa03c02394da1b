"""`{% url %}` that remembers what it reversed (installed as a template builtin in settings).

A client's record links to some thirty pages of that client, and every page's menu to eight more:
Django's `reverse()` walks the URL patterns for each, about 60 µs a link. URLs do not change while
the process runs, so a link reversed once is taken from memory after that, keyed by everything
`reverse()` depends on (the name, the arguments, the current application, the URLconf and the
script prefix). Only plain arguments (text, whole numbers, UUIDs) are remembered; anything else,
a model instance for one, is reversed every time as Django does. The output is Django's own.
"""

from functools import lru_cache
from uuid import UUID

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=8192)
def remembered_reverse(view_name, args: tuple, kwargs: tuple, current_app, urlconf, script_prefix) -> str:
    """`reverse()`, remembered; `urlconf` and `script_prefix` are part of the key, reverse() reads them itself."""
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def is_plain(value) -> bool:
    return isinstance(value, (str, int, UUID)) and not isinstance(value, bool)


class RememberedURLNode(URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((key, value.resolve(context)) for key, value in self.kwargs.items())
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            if isinstance(view_name, str) and all(map(is_plain, args)) and all(is_plain(value) for _key, value in kwargs):
                url = remembered_reverse(view_name, args, kwargs, current_app, get_urlconf(), get_script_prefix())
            else:
                url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}`, parsed by Django, rendered with `remembered_reverse`."""
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
