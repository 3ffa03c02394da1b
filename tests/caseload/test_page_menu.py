"""The menu of every page (caseload/templatetags/page_menu.py) writes what base.html's header wrote.

REFERENCE_HEADER is that header as it was in the template language, and REFERENCE_SWITCHER the language
switcher it included (templates/includes/language_switcher.html): the tag's output is compared with
them byte for byte, for each role, page and language, hostile paths and names, before sign-in and
before the second factor. Only the CSRF token is compared apart: it is masked afresh for every render,
so the tag must write this request's token, never a remembered one.
"""

import html
import re
import uuid

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import _get_new_csrf_string, _unmask_cipher_token
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.urls import Resolver404, resolve, reverse, set_script_prefix
from django.utils import translation
from django.utils.html import escape as django_escape

from caseload.models import Role
from caseload.templatetags import page_menu
from tests.factories import UserFactory

# base.html's <header> before the tag, the include of the switcher read from a variable.
REFERENCE_HEADER = """<header>
    <nav class="navbar navbar-expand-xl navbar-dark app-navbar" aria-label="{% translate 'Main' %}">
      <div class="container-xl">
        <a class="navbar-brand" href="{% url 'caseload:home' %}">{{ AGENCY_NAME }}</a>
        {% if user.is_authenticated and not second_factor_pending %}
        <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#main-nav"
                aria-controls="main-nav" aria-expanded="false" aria-label="{% translate 'Menu' %}">
          <span class="navbar-toggler-icon"></span>
        </button>
        <div class="collapse navbar-collapse" id="main-nav">
          <ul class="navbar-nav me-auto">
            {% url 'caseload:home' as home_url %}{% url 'clients:list' as list_url %}{% url 'clients:register' as register_url %}
            <li class="nav-item"><a class="nav-link{% if request.path == home_url %} active{% endif %}" {% if request.path == home_url %}aria-current="page"{% endif %} href="{{ home_url }}">{% translate "My caseload" %}</a></li>
            {% url 'caseload:tasks' as tasks_url %}<li class="nav-item"><a class="nav-link{% if request.path == tasks_url %} active{% endif %}" {% if request.path == tasks_url %}aria-current="page"{% endif %} href="{{ tasks_url }}">{% translate "My tasks" %}</a></li>
            <li class="nav-item"><a class="nav-link{% if request.path == list_url %} active{% endif %}" {% if request.path == list_url %}aria-current="page"{% endif %} href="{{ list_url }}">{% translate "Clients" %}</a></li>
            <li class="nav-item"><a class="nav-link{% if request.path == register_url %} active{% endif %}" {% if request.path == register_url %}aria-current="page"{% endif %} href="{{ register_url }}">{% translate "Register a client" %}</a></li>
            {% url 'referrals:directory' as directory_url %}<li class="nav-item"><a class="nav-link{% if request.path == directory_url %} active{% endif %}" {% if request.path == directory_url %}aria-current="page"{% endif %} href="{{ directory_url }}">{% translate "Directory" %}</a></li>
            {% if user.is_supervisor or user.is_administrator %}{% url 'supervision:dashboard' as supervision_url %}<li class="nav-item"><a class="nav-link{% if request.resolver_match.app_name == 'supervision' or request.resolver_match.app_name == 'reassignment' %} active{% endif %}" {% if request.path == supervision_url %}aria-current="page"{% endif %} href="{{ supervision_url }}">{% translate "Supervision" %}</a></li>{% endif %}
            {% if user.is_staff %}<li class="nav-item"><a class="nav-link" href="{% url 'admin:index' %}">{% translate "Administration" %}</a></li>{% endif %}
          </ul>
          <div class="d-flex align-items-center gap-3">
            {% include switcher %}
            {% url 'caseload:profile' as profile_url %}<a class="navbar-text small link-light" href="{{ profile_url }}" title="{% translate 'Your settings' %}"{% if request.path == profile_url %} aria-current="page"{% endif %}>{{ user.display_name }} · {{ user.get_role_display }}</a>
            <form method="post" action="{% url 'logout' %}">{% csrf_token %}
              <button class="btn btn-sm btn-outline-light" type="submit">{% translate "Sign out" %}</button>
            </form>
          </div>
        </div>
        {% else %}
        <div class="ms-auto">{% include switcher %}</div>
        {% endif %}
      </div>
    </nav>
  </header>"""

# templates/includes/language_switcher.html before the tag.
REFERENCE_SWITCHER = """{% load i18n %}{% get_current_language as CURRENT_LANGUAGE %}{% get_available_languages as AVAILABLE_LANGUAGES %}{% get_language_info for CURRENT_LANGUAGE as current %}
<form class="language-switcher dropdown" method="post" action="{% url 'caseload:language' %}">{% csrf_token %}
  <input type="hidden" name="next" value="{{ request.get_full_path }}">
  <button class="btn btn-sm btn-outline-light dropdown-toggle" type="button" data-bs-toggle="dropdown" aria-expanded="false"><span class="visually-hidden">{% translate "Language" %}: </span>{{ current.name_local|capfirst }}</button>
  <ul class="dropdown-menu dropdown-menu-end">
    {% for code, name in AVAILABLE_LANGUAGES %}<li><button class="dropdown-item" type="submit" name="language" value="{{ code }}" lang="{{ code }}"{% if code == CURRENT_LANGUAGE %} aria-current="true"{% endif %}>{{ name }}</button></li>{% endfor %}
  </ul>
</form>
"""

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
LANGUAGES = [code for code, _name in settings.LANGUAGES]
ROLES = ["case_manager", "supervisor", "administrator"]
MENU_PAGES = [
    "caseload:home", "caseload:tasks", "clients:list", "clients:register", "referrals:directory",
    "supervision:dashboard", "caseload:profile",
]
HOSTILE_PATH = "/clients/?q=<script>\"'&"
HOSTILE_NAME = "<b>&\"'"


@pytest.fixture(autouse=True)
def _forget():
    for remembered in (page_menu.menu_urls, page_menu.signed_in_header, page_menu.visitor_header):
        remembered.cache_clear()


def page_request(path: str, user):
    request = RequestFactory().get(path)
    request.user = user
    try:
        request.resolver_match = resolve(request.path)
    except Resolver404:
        pass
    return request


def reference(request, **context) -> str:
    template = Template("{% load i18n %}" + REFERENCE_HEADER)
    return template.render(RequestContext(request, {"switcher": Template(REFERENCE_SWITCHER), **context}))


def tag(request, **context) -> str:
    return Template("{% load page_menu %}{% page_menu %}").render(RequestContext(request, context))


def without_token(page: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', page)


def assert_as_the_template_wrote(request, **context) -> str:
    """The tag's output, built and then remembered, is the reference's but for the CSRF token; returned."""
    expected = reference(request, **context)
    assert len(TOKEN.findall(expected)) in (1, 2)
    written = tag(request, **context)
    assert without_token(written) == without_token(expected)
    assert without_token(tag(request, **context)) == without_token(expected)  # from memory the second time
    return written


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", MENU_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_signed_in_it_writes_what_the_template_wrote(request, role, page, language):
    user = request.getfixturevalue(role)
    with translation.override(language):
        written = assert_as_the_template_wrote(page_request(reverse(page), user))
    assert written.count('aria-current="page"') == (0 if page == "supervision:dashboard" and role == "case_manager" else 1)
    assert (f'href="{reverse("supervision:dashboard")}"' in written) == (role != "case_manager")
    assert (reverse("admin:index") in written) == (role == "administrator")


def test_one_remembered_header_never_stands_in_for_another(db, case_manager):
    """Every language, page and role in one go, nothing forgotten between: what is remembered is keyed on all it shows."""
    same_name = {"first_name": "Kim", "last_name": "Holm"}
    users = [
        UserFactory(username="kim-cm", **same_name),
        UserFactory(username="kim-staff", is_staff=True, **same_name),
        UserFactory(username="kim-sup", role=Role.SUPERVISOR, **same_name),
        UserFactory(username="kim-admin", role=Role.ADMINISTRATOR, **same_name),
        UserFactory(username="kim-root", is_superuser=True, is_staff=True, **same_name),
    ]
    paths = [reverse(page) for page in MENU_PAGES] + [
        reverse("reassignment:caseload", args=[case_manager.pk]), reverse("clients:detail", args=[uuid.uuid4()]), HOSTILE_PATH,
    ]
    for language in LANGUAGES:
        with translation.override(language):
            for user in users:
                for path in paths:
                    assert_as_the_template_wrote(page_request(path, user))
                    assert_as_the_template_wrote(page_request(path, user), second_factor_pending=True)
            for path in paths:
                assert_as_the_template_wrote(page_request(path, AnonymousUser()))
    assert page_menu.signed_in_header.cache_info().hits > 0 and page_menu.visitor_header.cache_info().hits > 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_supervision_page_marks_the_supervision_item(supervisor, case_manager, language):
    with translation.override(language):
        written = assert_as_the_template_wrote(page_request(reverse("reassignment:caseload", args=[case_manager.pk]), supervisor))
        assert f'class="nav-link active"  href="{reverse("supervision:dashboard")}"' in written  # active, not the page itself
        dashboard = assert_as_the_template_wrote(page_request(reverse("supervision:dashboard"), supervisor))
        assert f'class="nav-link active" aria-current="page" href="{reverse("supervision:dashboard")}"' in dashboard


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_outside_the_menu_marks_no_link(supervisor, language):
    with translation.override(language):
        for client_id in (uuid.uuid4(), uuid.uuid4()):
            written = assert_as_the_template_wrote(page_request(reverse("clients:detail", args=[client_id]), supervisor))
            assert "nav-link active" not in written and 'aria-current="page"' not in written
            assert f'name="next" value="/clients/{client_id}/"' in written
    assert page_menu.signed_in_header.cache_info().currsize == 1  # one header for every client's record


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_a_hostile_path_is_escaped_as_the_template_escaped_it(request, role, language):
    with translation.override(language):
        written = assert_as_the_template_wrote(page_request(HOSTILE_PATH, request.getfixturevalue(role)))
        assert 'name="next" value="/clients/?q=%3Cscript%3E%22&#x27;&amp;"' in written
        assert "<script>" not in written
        written = assert_as_the_template_wrote(page_request("/clients/\"'<b>&/", request.getfixturevalue(role)))
        assert "<b>" not in written


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMINISTRATOR])
def test_a_hostile_name_is_escaped_as_the_template_escaped_it(db, role, language):
    user = UserFactory(username="mallory", first_name=HOSTILE_NAME, last_name="O'Hara & <i>", role=role)
    with translation.override(language):
        written = assert_as_the_template_wrote(page_request(reverse("caseload:profile"), user))
    assert "&lt;b&gt;&amp;&quot;&#x27; O&#x27;Hara &amp; &lt;i&gt; · " in written
    assert HOSTILE_NAME not in written


def test_links_follow_the_script_prefix_escaped_as_the_template_escaped_them(supervisor):
    """Served under a prefix (SCRIPT_NAME), with characters reverse() leaves as they are: each prefix its own links."""
    for prefix in ("/", "/o'neil&co/", "/"):
        set_script_prefix(prefix)
        try:
            written = assert_as_the_template_wrote(page_request("/tasks/", supervisor))
            assert_as_the_template_wrote(page_request("/login/", AnonymousUser()))
        finally:
            set_script_prefix("/")
        assert ('href="/o&#x27;neil&amp;co/tasks/"' in written) == (prefix != "/")


def test_the_standard_librarys_escaping_is_djangos():
    for text in (HOSTILE_NAME, HOSTILE_PATH, "a & b < c > d \" e ' f", "plain"):
        assert html.escape(text) == django_escape(text)
    assert html.escape("&<>\"'") == "&amp;&lt;&gt;&quot;&#x27;"


@pytest.mark.parametrize("language", LANGUAGES)
def test_before_sign_in_only_the_language_switcher(language):
    with translation.override(language):
        written = assert_as_the_template_wrote(page_request(reverse("login"), AnonymousUser()))
        assert_as_the_template_wrote(page_request(HOSTILE_PATH, AnonymousUser()))
    assert "main-nav" not in written and len(TOKEN.findall(written)) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_before_the_second_factor_only_the_language_switcher(supervisor, language):
    with translation.override(language):
        written = assert_as_the_template_wrote(page_request(reverse("two_factor_enrol"), supervisor), second_factor_pending=True)
    assert "main-nav" not in written and supervisor.display_name not in written


def test_without_a_csrf_token_in_the_context_it_writes_none_as_the_template_did(case_manager):
    http_request = page_request(reverse("caseload:home"), case_manager)
    context = {"request": http_request, "user": case_manager, "AGENCY_NAME": settings.AGENCY_NAME}
    expected = Template("{% load i18n %}" + REFERENCE_HEADER).render(Context({**context, "switcher": Template(REFERENCE_SWITCHER)}))
    written = Template("{% load page_menu %}{% page_menu %}").render(Context(context))
    assert written == expected and "csrfmiddlewaretoken" not in written


def test_the_token_is_this_requests_and_the_pages_never_a_remembered_one(case_manager):
    secret = _get_new_csrf_string()
    tokens = []
    for _ in range(2):
        http_request = page_request(reverse("caseload:home"), case_manager)
        http_request.META["CSRF_COOKIE"] = secret  # the secret of the browser's cookie, as CsrfViewMiddleware reads it
        page = Template("{% load page_menu %}{% page_menu %}<form>{% csrf_token %}</form>").render(RequestContext(http_request))
        in_header, in_logout, in_page = TOKEN.findall(page)
        assert in_header == in_logout == in_page  # one token for the whole page, as the template wrote it
        tokens.append(in_header)
    assert tokens[0] != tokens[1]
    assert _unmask_cipher_token(tokens[0]) == _unmask_cipher_token(tokens[1]) == secret
    assert page_menu.signed_in_header.cache_info().hits == 1
    visitor = page_request(reverse("login"), AnonymousUser())
    visitor.META["CSRF_COOKIE"] = secret
    first, second = (TOKEN.findall(tag(visitor))[0] for _ in range(2))
    assert first != second and _unmask_cipher_token(first) == _unmask_cipher_token(second) == secret


def header_of(response) -> str:
    page = response.content.decode()
    return page[page.index("<header>"):page.index("</header>") + len("</header>")]


def test_pages_through_the_stack_carry_the_header_the_template_wrote(client, login, supervisor, case_manager):
    anonymous = client.get(reverse("login"))
    with translation.override(settings.LANGUAGE_CODE):
        assert without_token(header_of(anonymous)) == without_token(reference(anonymous.wsgi_request))
    login(supervisor, second_factor=False)
    pending = client.get(reverse("two_factor_enrol"))
    assert pending.status_code == 200
    with translation.override(supervisor.language):
        assert without_token(header_of(pending)) == without_token(reference(pending.wsgi_request, second_factor_pending=True))
    login(supervisor)
    for path in (reverse("caseload:home"), reverse("clients:list"), reverse("supervision:dashboard"),
                 reverse("reassignment:caseload", args=[case_manager.pk]), HOSTILE_PATH):
        response = client.get(path)
        assert response.status_code == 200, path
        with translation.override(supervisor.language):
            assert without_token(header_of(response)) == without_token(reference(response.wsgi_request)), path
