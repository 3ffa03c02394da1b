"""Pages of a list in one query.

Django's Paginator asks the database twice: COUNT(*) and then the rows. Here the rows carry the
total (COUNT(*) OVER ()), so a list page costs one query; only a page number past the end needs a
second look.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window


def paginate(queryset, page_number, per_page: int) -> Page:
    paginator = Paginator(queryset, per_page)
    try:
        number = max(int(page_number or 1), 1)
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset.annotate(_total=Window(Count("pk")))[offset : offset + per_page])
    if rows:
        paginator.count = rows[0]._total
        return Page(rows, number, paginator)
    paginator.count = queryset.count() if number > 1 else 0
    if number > 1 and paginator.count:
        return paginate(queryset, paginator.num_pages, per_page)
    return Page([], 1, paginator)
