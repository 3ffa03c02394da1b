"""`{% url %}` remembers what it reversed, and gives what Django's own tag gives."""

import uuid
from unittest import mock

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from caseload.templatetags import cached_url


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.fixture(autouse=True)
def _forget():
    cached_url.remembered_reverse.cache_clear()
    yield
    set_script_prefix("/")


def test_the_url_tag_is_the_remembering_one_on_every_template():
    assert isinstance(Template("{% url 'caseload:home' %}").nodelist[0], cached_url.RememberedURLNode)


def test_it_gives_what_reverse_gives_and_reverses_each_link_once():
    client_id = uuid.uuid4()
    with mock.patch.object(cached_url, "reverse", wraps=reverse) as reversing:
        first = render("{% url 'clients:detail' client_id %}|{% url 'clients:edit' client_id=client_id %}", client_id=client_id)
        again = render("{% url 'clients:detail' client_id %}|{% url 'clients:edit' client_id=client_id %}", client_id=client_id)
    assert first == again == f"{reverse('clients:detail', args=[client_id])}|{reverse('clients:edit', args=[client_id])}"
    assert reversing.call_count == 2
    other = uuid.uuid4()
    assert render("{% url 'clients:detail' other %}", other=other) == f"/clients/{other}/"


def test_a_script_prefix_is_part_of_what_is_remembered():
    client_id = uuid.uuid4()
    assert render("{% url 'clients:detail' i %}", i=client_id) == f"/clients/{client_id}/"
    set_script_prefix("/agency/")
    assert render("{% url 'clients:detail' i %}", i=client_id) == f"/agency/clients/{client_id}/"


def test_as_a_variable_and_when_nothing_matches_it_behaves_as_djangos_tag():
    assert render("{% url 'caseload:home' as home %}[{{ home }}]") == f"[{reverse('caseload:home')}]"
    assert render("{% url 'no-such-page' as missing %}[{{ missing }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")


def test_anything_but_plain_arguments_is_reversed_every_time():
    class Record:  # an object whose text may change: never remembered
        def __init__(self, pk):
            self.pk = pk

        def __str__(self):
            return str(self.pk)

    record = Record(uuid.uuid4())
    with mock.patch.object(cached_url, "reverse", wraps=reverse) as reversing:
        for _ in range(2):
            assert render("{% url 'clients:detail' record %}", record=record) == f"/clients/{record.pk}/"
    assert reversing.call_count == 2
    assert cached_url.is_plain(record.pk) and cached_url.is_plain("x") and cached_url.is_plain(3)
    assert not cached_url.is_plain(record) and not cached_url.is_plain(True)
