"""The filters the detail reports share beyond plan and org: a date range of Beijing calendar
dates (inclusive at both ends) as the UTC instants the read models keep, and server-side
sorting on a whitelist of columns (every other key is refused by name), with a tie-breaker
so pages never overlap."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from services.common.clock import as_utc
from services.common.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")
ORDERS = ("asc", "desc")


def _date(value, name):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("date_invalid", "日期格式不正确",
                           fields={name: ["格式为 YYYY-MM-DD"]}) from None


def _start_utc(day):
    """The first instant of a Beijing calendar day, in UTC (SQLite keeps no offset: compare
    as UTC, the way every row is written)."""
    return datetime.combine(day, time(), SHANGHAI).astimezone(timezone.utc)


def beijing_minute(value):
    """A stored UTC time as Beijing "YYYY-MM-DD HH:MM" (None stays None)."""
    value = as_utc(value)
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else None


def date_window(query):
    """(from, until) UTC instants for the query's `date_from` / `date_to` (Beijing dates,
    inclusive): `column >= from` and `column < until`; None where a bound is not given."""
    start = _date(query.get("date_from"), "date_from")
    end = _date(query.get("date_to"), "date_to")
    if start and end and start > end:
        raise InvalidInput("date_range_invalid", "开始日期不能晚于结束日期",
                           fields={"date_from": ["开始日期不能晚于结束日期"]})
    return (_start_utc(start) if start else None,
            _start_utc(end + timedelta(days=1)) if end else None)


def within_window(column, window):
    """The WHERE clauses of `window` on `column` (none when the range is open)."""
    start, until = window
    clauses = []
    if start is not None:
        clauses.append(column >= start)
    if until is not None:
        clauses.append(column < until)
    return clauses


def check_sort(query, keys):
    """`query`'s sort key (None: the report's own order) and order, refused unless `sort` is
    one of `keys` and `order` asc or desc."""
    key, order = query.get("sort") or None, query.get("order") or "asc"
    if key is not None and key not in keys:
        raise InvalidInput("sort_invalid", "不支持按该列排序",
                           fields={"sort": [f"可选：{'、'.join(keys)}"]})
    if order not in ORDERS:
        raise InvalidInput("order_invalid", "排序方向须为 asc 或 desc",
                           fields={"order": ["asc / desc"]})
    return key, order


def ordering(query, sorts, default, tie_breakers):
    """The ORDER BY of `query`'s `sort` (a key of `sorts`) and `order` (asc | desc), empty
    values meaning the report's own `default` order; `tie_breakers` keep paging stable."""
    key, order = check_sort(query, tuple(sorts))
    if key is None:
        return [*default, *tie_breakers]
    column = sorts[key]
    # Empty values last either way, as a reader expects (SQLite and PostgreSQL differ).
    first = column.desc().nulls_last() if order == "desc" else column.asc().nulls_last()
    return [first, *tie_breakers]
