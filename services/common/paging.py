"""One pager for every list: the page a query asks for, that page of rows in SQL
(LIMIT / OFFSET), the count, and the answer {items, total, page, page_size}
(contracts.page_of describes it)."""
from dataclasses import dataclass

from sqlalchemy import func, literal_column, select

from .contracts import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_query
from .schema import load


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self):
        return (self.number - 1) * self.size


def page_request(query, default_size=DEFAULT_PAGE_SIZE, max_size=MAX_PAGE_SIZE):
    """The Page that `query` (a mapping; `page` and `page_size` may be missing or None)
    asks for; InvalidInput naming the field when out of range."""
    asked = {k: query.get(k) for k in ("page", "page_size") if query.get(k) is not None}
    clean = load(page_query(default_size, max_size)(), asked)
    return Page(clean["page"], clean["page_size"])


def paged(session, rows, page, view=dict, count_limit=None):
    """One page of `rows` (a SELECT with its ORDER BY), each row (a mapping) through
    `view`, with the count of all of them. With `count_limit`, counting stops past it:
    `total` is at most count_limit and `total_exact` says whether it is the real count
    (counting a city's 600,000 people costs more than the page itself)."""
    if count_limit is None:
        counting = rows.with_only_columns(func.count(), maintain_column_froms=True)
    else:
        some = rows.with_only_columns(literal_column("1"), maintain_column_froms=True)
        counting = select(func.count()).select_from(
            some.order_by(None).limit(count_limit + 1).subquery())
    total = session.execute(counting.order_by(None)).scalar()
    items = [view(r) for r in session.execute(rows.limit(page.size).offset(page.offset)
                                              ).mappings()]
    answer = {"items": items, "total": total, "page": page.number, "page_size": page.size}
    if count_limit is not None:
        answer |= {"total": min(total, count_limit), "total_exact": total <= count_limit}
    return answer
