"""reporting's rules without a database: the participation table's figures, rates and
合计 row as the administrators' manual prints them."""
from datetime import date

from services.reporting.domain.participation import Counts, rate, table


def test_the_manuals_example_row_and_total():
    rows, total = table(date(2025, 1, 1), [("天津市住房公积金管理中心", Counts(726, 1, 1, 0))])
    expected = {"org_name": "天津市住房公积金管理中心", "statistics_date": "2025-01-01",
                "registered": 726, "selected": 1, "participating": 1, "completed": 0,
                "not_completed": 1, "participation_rate": "0.14%", "completion_rate": "0.00%"}
    assert rows == [expected]
    assert total == expected | {"org_name": "合计"}


def test_the_total_rates_come_from_the_totals_not_from_the_rows():
    rows, total = table(date(2026, 12, 1), [("甲", Counts(3, 1, 1, 1)), ("乙", Counts(1, 1, 1, 0))])
    assert [r["participation_rate"] for r in rows] == ["33.33%", "100.00%"]
    assert (total["registered"], total["participating"], total["completed"],
            total["not_completed"]) == (4, 2, 1, 1)
    assert (total["participation_rate"], total["completion_rate"]) == ("50.00%", "25.00%")


def test_rates_round_half_up_and_nobody_is_zero():
    assert rate(1, 8) == "12.50%" and rate(1, 3) == "33.33%" and rate(2, 3) == "66.67%"
    assert rate(1, 200000) == "0.00%" and rate(1, 1999) == "0.05%"
    assert rate(0, 0) == "0.00%"
