"""reporting's set-based projections on PostgreSQL (the upserts, row-value lookups and
counters run as production runs them): the history delivered in order and shuffled with
redeliveries leaves the same read models as on SQLite, and report 1's counters equal a
count of the rows on every date."""
import pytest

from services.common.scripting import UnitOfWorkFactory
from services.reporting import models
from tests.reporting_history import (apply_batches, history, independent_counts,
                                     shuffled_batches)
from tests.unit.test_reporting_projections import DAYS, report_one_by_unit


@pytest.fixture
def fresh_pg(postgres_url):
    return lambda: UnitOfWorkFactory("reporting", models.outbox, models.inbox,
                                     url=postgres_url("reporting"))


@pytest.fixture
def fresh_sqlite(tmp_path):
    from services.common.migrations import upgrade
    url = f"sqlite:///{tmp_path / 'reporting.db'}"
    upgrade("reporting", url)
    return UnitOfWorkFactory("reporting", models.outbox, models.inbox, url=url)


def _comparable(found):
    """Times as instants: PostgreSQL gives them with an offset, SQLite without."""
    return {table: sorted(tuple(v.replace("+00:00", "") for v in row) for row in rows)
            for table, rows in found.items()}


def test_postgres_converges_to_what_sqlite_holds(fresh_pg, fresh_sqlite):
    events = history()
    expected = _comparable(apply_batches(fresh_sqlite, [events]))
    assert _comparable(apply_batches(fresh_pg(), [events])) == expected
    for seed in (1, 2):
        db = fresh_pg()
        assert _comparable(apply_batches(db, shuffled_batches(events, seed))) == expected
        with db() as uow:
            for day in DAYS:
                assert report_one_by_unit(uow, day) == independent_counts(uow, 7, day)
