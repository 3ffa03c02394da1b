"""The navigation bar of every page (base.html's `<header>`), built in Python and remembered.

Through the template language the header cost some 0.65 ms of every page (base.html with an
empty page took 1.05 ms, 0.4 ms with this tag, which itself takes about 20 µs): eight `{% url %}`,
a dozen `{% translate %}`, the current page compared with each link, `{% get_language_info %}` and
an included language switcher. What it shows depends on few things: the active language, which of
its links is the current page, the staff member's name and role (what they may open), the agency's
name and the URL prefix. So it is built once for each of those (`signed_in_header`,
`visitor_header`) and remembered; what changes on every request is put in on each call: the CSRF
token (masked afresh for every request, so never remembered) and the address the language switcher
returns to (the page's path with its query).

A page whose path is none of the menu's links (a client's record, say) has no current link: it
shares one remembered header with every such page, rather than one per client.

The output is byte for byte what the template gave (tests/caseload/test_page_menu.py keeps that
template as the reference). Every value is escaped as Django's autoescape escapes it (its `escape`
is the standard library's `html.escape`); the menu's own labels are not, as `{% translate "…" %}`
leaves the translation of a literal in the template unescaped (they come from locale/, as the
template's did). Each label is read with a plain `gettext("…")` call, never inside an f-string,
where xgettext would not find it for the catalogues.
"""

from enum import Enum
from functools import lru_cache
from html import escape
from typing import NamedTuple

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from caseload.html_parts import csrf_input
from caseload.models import Role

register = template.Library()

# Where the supervisor's pages live: the Supervision item is marked active on all of them.
SUPERVISION_APPS = ("supervision", "reassignment")
NOT_CURRENT = ""
CURRENT_PAGE = 'aria-current="page"'
CURRENT_LANGUAGE = ' aria-current="true"'


class Slot(Enum):
    """What a remembered header leaves open, filled on every request."""

    CSRF = "the CSRF token's hidden input"
    NEXT = "the page to return to after switching language"


Parts = tuple[str | Slot, ...]


class MenuURLs(NamedTuple):
    home: str
    tasks: str
    clients: str
    register: str
    directory: str
    supervision: str
    profile: str
    administration: str
    language: str
    logout: str

    @property
    def compared(self) -> tuple[str, ...]:
        """The links compared with the page's path, to mark the current one."""
        return (self.home, self.tasks, self.clients, self.register, self.directory, self.supervision, self.profile)


@lru_cache(maxsize=64)
def menu_urls(urlconf, script_prefix: str) -> MenuURLs:
    """The menu's links; `urlconf` and `script_prefix` are the key, reverse() reads them itself."""
    return MenuURLs(
        home=reverse("caseload:home"),
        tasks=reverse("caseload:tasks"),
        clients=reverse("clients:list"),
        register=reverse("clients:register"),
        directory=reverse("referrals:directory"),
        supervision=reverse("supervision:dashboard"),
        profile=reverse("caseload:profile"),
        administration=reverse("admin:index"),
        language=reverse("caseload:language"),
        logout=reverse("logout"),
    )


def joined(*parts: str | Slot) -> Parts:
    """The parts with neighbouring text run together: text, slot, text, …"""
    merged: list[str | Slot] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return tuple(merged)


def brand(urls: MenuURLs, agency: str) -> str:
    main = gettext("Main")
    return (
        f'<header>\n    <nav class="navbar navbar-expand-xl navbar-dark app-navbar" aria-label="{main}">\n'
        f'      <div class="container-xl">\n'
        f'        <a class="navbar-brand" href="{escape(urls.home)}">{escape(agency)}</a>\n        '
    )


END = "\n      </div>\n    </nav>\n  </header>"


def language_switcher(urls: MenuURLs) -> Parts:
    """templates/includes/language_switcher.html as it was: the active language, then each on offer."""
    current = translation.get_language()
    choices = "".join(
        f'<li><button class="dropdown-item" type="submit" name="language" value="{escape(code)}" lang="{escape(code)}"'
        f'{CURRENT_LANGUAGE if code == current else ""}>{escape(gettext(name))}</button></li>'
        for code, name in settings.LANGUAGES
    )
    name_local = capfirst(translation.get_language_info(str(current))["name_local"])
    language_label = gettext("Language")
    return joined(
        f'\n<form class="language-switcher dropdown" method="post" action="{escape(urls.language)}">',
        Slot.CSRF,
        '\n  <input type="hidden" name="next" value="',
        Slot.NEXT,
        '">\n  <button class="btn btn-sm btn-outline-light dropdown-toggle" type="button" data-bs-toggle="dropdown"'
        f' aria-expanded="false"><span class="visually-hidden">{language_label}: </span>{escape(name_local)}</button>\n'
        f'  <ul class="dropdown-menu dropdown-menu-end">\n    {choices}\n  </ul>\n</form>\n',
    )


def menu_item(url: str, label: str, *, active: bool, current: bool) -> str:
    return (
        f'<li class="nav-item"><a class="nav-link{" active" if active else ""}" '
        f'{CURRENT_PAGE if current else ""} href="{escape(url)}">{label}</a></li>'
    )


def menu(urls: MenuURLs, current_path: str, supervises: bool, supervision_open: bool, staff: bool) -> str:
    """The links, the current one marked; Supervision for supervisors and administrators, Administration for staff."""
    menu_label, administration = gettext("Menu"), gettext("Administration")

    def item(url: str, label: str) -> str:
        return menu_item(url, label, active=url == current_path, current=url == current_path)

    items = [
        item(urls.home, gettext("My caseload")),
        item(urls.tasks, gettext("My tasks")),
        item(urls.clients, gettext("Clients")),
        item(urls.register, gettext("Register a client")),
        item(urls.directory, gettext("Directory")),
        menu_item(urls.supervision, gettext("Supervision"), active=supervision_open, current=urls.supervision == current_path)
        if supervises else "",
        f'<li class="nav-item"><a class="nav-link" href="{escape(urls.administration)}">{administration}</a></li>'
        if staff else "",
    ]
    return (
        '<button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#main-nav"\n'
        f'                aria-controls="main-nav" aria-expanded="false" aria-label="{menu_label}">\n'
        '          <span class="navbar-toggler-icon"></span>\n'
        '        </button>\n'
        '        <div class="collapse navbar-collapse" id="main-nav">\n'
        '          <ul class="navbar-nav me-auto">\n            \n            '
        + "\n            ".join(items)
        + '\n          </ul>\n          <div class="d-flex align-items-center gap-3">\n            '
    )


def account(urls: MenuURLs, current_path: str, name: str, role: str) -> Parts:
    """Who is signed in (a link to their settings), and signing out."""
    current = f" {CURRENT_PAGE}" if urls.profile == current_path else ""
    settings_label, sign_out = gettext("Your settings"), gettext("Sign out")
    return joined(
        f'\n            <a class="navbar-text small link-light" href="{escape(urls.profile)}" title="{settings_label}"'
        f'{current}>{escape(name)} · {escape(role)}</a>\n'
        f'            <form method="post" action="{escape(urls.logout)}">',
        Slot.CSRF,
        f'\n              <button class="btn btn-sm btn-outline-light" type="submit">{sign_out}</button>\n'
        '            </form>\n          </div>\n        </div>\n        ',
    )


@lru_cache(maxsize=4096)
def signed_in_header(
    language: str, urls: MenuURLs, current_path: str, supervises: bool, supervision_open: bool, staff: bool,
    name: str, role: str, agency: str,
) -> Parts:
    """The header of a signed-in staff member; `language` is the key, gettext() reads it itself.

    `role` is User.role: its label (what get_role_display() gives, some 20 µs) is looked up here, once.
    """
    return joined(
        brand(urls, agency),
        "\n        ",
        menu(urls, current_path, supervises, supervision_open, staff),
        *language_switcher(urls),
        *account(urls, current_path, name, str(dict(Role.choices).get(role, role))),
        END,
    )


@lru_cache(maxsize=256)
def visitor_header(language: str, urls: MenuURLs, agency: str) -> Parts:
    """Before sign-in, or before the second factor: the agency's name and the language switcher, no menu."""
    return joined(brand(urls, agency), '\n        <div class="ms-auto">', *language_switcher(urls), "</div>\n        ", END)


@register.simple_tag(takes_context=True)
def page_menu(context) -> SafeString:
    """The `<header>` of base.html: the menu for signed-in staff, else only the language switcher."""
    request = context.get("request")
    user = context.get("user")
    agency = str(context.get("AGENCY_NAME", ""))
    language = translation.get_language()
    urls = menu_urls(get_urlconf(), get_script_prefix())
    if getattr(user, "is_authenticated", False) and not context.get("second_factor_pending"):
        path = getattr(request, "path", None)
        resolved = getattr(request, "resolver_match", None)
        parts = signed_in_header(
            language,
            urls,
            path if path in urls.compared else NOT_CURRENT,
            bool(user.is_supervisor or user.is_administrator),
            getattr(resolved, "app_name", None) in SUPERVISION_APPS,
            bool(user.is_staff),
            str(user.display_name),
            user.role,
            agency,
        )
    else:
        parts = visitor_header(language, urls, agency)
    return fill(parts, csrf_input(context), escape(request.get_full_path()) if request is not None else "")


def fill(parts: Parts, csrf: str, next_page: str) -> SafeString:
    """A remembered header with this request's CSRF input and return address (both escaped) put in."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(part if part.__class__ is str else csrf if part is Slot.CSRF else next_page for part in parts)
    )


@receiver(setting_changed)
def forget(*, setting, **kwargs):
    """A test that changes the languages on offer, the URLs or the default language gets a header built anew."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "ROOT_URLCONF"}:
        for remembered in (menu_urls, signed_in_header, visitor_header):
            remembered.cache_clear()
