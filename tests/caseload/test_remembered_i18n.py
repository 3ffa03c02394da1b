"""{% load i18n %} is Django's library with {% translate "…" %} of a literal remembered: the same output."""

import pytest
from django.conf import settings
from django.template import Context, Engine, engines
from django.utils import translation

from caseload import remembered_i18n

TEMPLATE = """{% load i18n %}
[{% translate "My caseload" %}]
[{% trans "Sign out" %}]
[{% translate "Sign out" noop %}]
[{% translate "100% of <b>" %}]
[{% translate "Clients" as caption %}{{ caption }}|{{ caption|upper }}]
[{% translate "by" context "before a date: to be done by that day" %}]
[{% translate word %}]
[{% translate "Clients"|lower %}]
[{% translate "A phrase no catalogue has" %}]
[{% get_current_language as LANGUAGE_CODE %}{{ LANGUAGE_CODE }}]
[{% blocktranslate count counter=n %}{{ counter }} client you can see.{% plural %}{{ counter }} clients you can see.{% endblocktranslate %}]
"""


def rendered(engine_template, **context):
    return engine_template.render(Context({"word": "Clients", "n": 3, **context}))


@pytest.fixture
def ours():
    return engines["django"].engine.from_string(TEMPLATE)


class DjangosTranslate:
    """Django's own tag, as the reference."""

    @staticmethod
    def engine():
        from django.template import Library
        from django.templatetags import i18n

        library = Library()
        library.tags.update(i18n.register.tags)
        library.filters.update(i18n.register.filters)
        library.tag("translate", i18n.do_translate)
        library.tag("trans", i18n.do_translate)
        engine = Engine()
        engine.template_libraries = {**engine.template_libraries, "i18n": library}
        return engine


@pytest.fixture
def djangos():
    return DjangosTranslate.engine().from_string(TEMPLATE)


def test_every_load_of_i18n_gets_the_remembered_tag():
    from django.templatetags import i18n

    assert i18n.register.tags["translate"] is i18n.register.tags["trans"] is remembered_i18n.do_translate


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_it_renders_what_djangos_translate_renders_in_every_language(ours, djangos, language):
    with translation.override(language):
        first, again, reference = rendered(ours), rendered(ours), rendered(djangos)
    assert first == again == reference
    assert "[100% of <b>]" in reference  # a percent sign survives, the literal is not escaped


def test_a_remembered_text_follows_the_language(ours, djangos):
    remembered_i18n._remembered.clear()
    with translation.override("da"):
        danish = rendered(ours)
    with translation.override("fr"):
        french = rendered(ours)
        french_reference = rendered(djangos)
    with translation.override("da"):
        danish_again = rendered(ours)
    assert french == french_reference and danish == danish_again and danish != french
    assert ("da", "My caseload", False, True) in remembered_i18n._remembered
    # A variable, a filter and a context are translated by Django every time, never remembered.
    assert not any(key[1] in {"word", "Clients|lower"} for key in remembered_i18n._remembered)
    assert not any(key[1] == "by" for key in remembered_i18n._remembered)


def test_outside_autoescape_it_renders_as_django_does(djangos):
    ours = engines["django"].engine.from_string("{% load i18n %}{% autoescape off %}{% translate \"100% of <b>\" %}{% endautoescape %}")
    reference = DjangosTranslate.engine().from_string(
        "{% load i18n %}{% autoescape off %}{% translate \"100% of <b>\" %}{% endautoescape %}"
    )
    with translation.override("en"):
        assert ours.render(Context()) == reference.render(Context()) == "100% of <b>"


def test_changing_the_languages_forgets_what_was_remembered(ours, settings):
    with translation.override("da"):
        rendered(ours)
    assert remembered_i18n._remembered
    settings.LANGUAGES = [("en", "English"), ("da", "Dansk")]
    assert not remembered_i18n._remembered
