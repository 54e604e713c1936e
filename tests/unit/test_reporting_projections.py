"""reporting's projections converge: a history of real envelopes (tests/reporting_history.py)
applied in order, shuffled, and delivered twice leaves the same read models, and report
1's counters equal a count of the rows on every date — on a real (SQLite) database,
without a broker (tests/integration/test_reporting_postgres.py: the same on PostgreSQL)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.reporting import models, participation
from tests.reporting_history import (T0, apply_batches, history, independent_counts,
                                     shuffled_batches)


@pytest.fixture
def fresh(uow_factory, tmp_path):
    from services.common.migrations import upgrade
    from services.common.scripting import UnitOfWorkFactory
    made = []

    def make():
        url = f"sqlite:///{tmp_path / f'reporting{len(made)}.db'}"
        upgrade("reporting", url)
        made.append(url)
        return UnitOfWorkFactory("reporting", models.outbox, models.inbox, url=url)
    return make


def test_in_order_the_read_models_say_what_happened(fresh):
    final = apply_batches(fresh(), [history()])
    orgs = {row[0]: row for row in final["orgs"]}
    assert orgs["3"][2] == "/1/4/3/" and orgs["5"][2] == "/1/4/3/5/"  # moved with its parent
    people = {row[0]: row for row in final["people"]}
    assert people["13"][6] == "4" and people["13"][7] == "active"      # transferred
    assert people["11"][1] == "u11b"
    assert final["plans"][0][1] == "2026年公需科目（修订）"
    candidates = {row[1]: row for row in final["exam_candidates"]}
    assert candidates["10"][3] == "2" and candidates["10"][4] == "90"   # taken, best
    assert candidates["10"][6] == "0" and candidates["10"][8] != "None"  # left, passed
    assert candidates["11"][3] == "0"
    money = {row[2]: row for row in final["money_days"]}
    assert {kind: (row[1], row[3], row[4]) for kind, row in money.items()} == {
        "paid": ("7", "1", "1000"), "refund": ("7", "1", "1000"), "card": ("0", "1", "5000"),
        "recharge": ("0", "1", "2000")}
    totals = {(row[0], row[1]): row[2:] for row in final["participation_totals"]}
    assert totals[("0", "4")] == ("1", "0", "0", "0")   # 13, registered, moved to unit 4


@pytest.mark.parametrize("seed", range(20))
def test_shuffled_and_redelivered_the_read_models_are_the_same(fresh, seed):
    events = history()
    expected = apply_batches(fresh(), [events])
    assert apply_batches(fresh(), shuffled_batches(events, seed)) == expected


def report_one_by_unit(uow, day):
    """Report 1's figures for every unit on its own (each unit's 本级 row), from the
    counters."""
    figures = {}
    for node in uow.session.execute(sa.select(models.orgs)).mappings():
        children = uow.session.execute(sa.select(
            models.orgs.c.org_id, models.orgs.c.name, models.orgs.c.path).where(
            models.orgs.c.parent_id == node["org_id"])).all()
        c = participation._counts_by_unit(uow, 7, node, children, day)[node["org_id"]]
        figures[node["org_id"]] = (c.registered, c.selected, c.participating, c.completed)
    return {org_id: row for org_id, row in figures.items() if any(row)}


DAYS = (T0.date() - timedelta(days=1), T0.date(), T0.date() + timedelta(days=1),
        T0.date() + timedelta(days=400))


@pytest.mark.parametrize("seed", range(5))
def test_report_one_counters_equal_a_count_of_the_rows_on_every_date(fresh, seed):
    db = fresh()
    apply_batches(db, shuffled_batches(history(), seed, twice=3, pieces=12))
    with db() as uow:
        counted = 0
        for day in DAYS:
            found = report_one_by_unit(uow, day)
            assert found == independent_counts(uow, 7, day)
            counted += sum(sum(v) for v in found.values())
        assert counted > 0
