"""The supervision table's rows, built in Python: every value escaped, waiting work marked."""

from decimal import Decimal
from types import SimpleNamespace

from caseload.supervision import CaseManagerLoad
from caseload.templatetags.supervision_rows import supervision_rows


def row(**counts):
    user = SimpleNamespace(pk=7, display_name="Anna <b>Lindqvist</b>", is_supervisor=False)
    return CaseManagerLoad(user=user, target=25, fte=Decimal("0.50"), by_level={"high": 13}, weighted=Decimal("26"), **counts)


def test_a_row_marks_waiting_work_and_risk_and_escapes_names():
    html = supervision_rows([row(unsigned_notes=2, risk_flags=1, contacts_30_days=4)], caseload_links=True)
    assert html.startswith('<tr class="row-over"><th scope="row"><a href="/supervision/case-managers/7/">')
    assert "Anna &lt;b&gt;Lindqvist&lt;/b&gt;" in html and "<b>" not in html
    assert '<td class="num">0.50</td><td class="num">13</td><td class="num">26.0</td>' in html
    assert "<strong>52.0</strong>" in html and "over target" in html and "13 high" in html
    assert '<td class="num">4</td><td class="num zero">0</td><td class="num zero">0</td><td class="num count-due-cell">2</td>' in html
    assert '<td class="num count-risk-cell"><span class="badge risk-badge">1</span></td></tr>' in html


def test_without_links_the_name_is_plain_and_awaiting_signatures_is_not_alarming():
    html = supervision_rows([row(awaiting_signatures=3)])
    assert '<th scope="row">Anna &lt;b&gt;Lindqvist&lt;/b&gt;</th>' in html
    assert '<td class="num">3</td>' in html
