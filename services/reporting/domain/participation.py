"""培训计划学员参训情况统计表 (section 3.1 of the administrators' manual): per org unit, the
plan's 注册人数 (learners registered in the unit's subtree as of the statistics date),
选课人数 (activated the plan and selected at least one course), 参训人数 (any learning
progress in the plan), 完成人数 (passed the plan), 未完成人数 (参训 − 完成), 参训率 (参训 ÷
注册) and 完成率 (完成 ÷ 注册) as percentages with two decimals — and the 合计 row, whose
rates come from its own totals, never from averaging the rows'. The manual's example:
726, 1, 1, 0, 1, 0.14%, 0.00%."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

COLUMNS = ("组织机构", "统计日期", "注册人数", "选课人数", "参训人数", "完成人数", "未完成人数",
           "参训率", "完成率")


@dataclass(frozen=True)
class Counts:
    registered: int
    selected: int
    participating: int
    completed: int

    def __add__(self, other):
        return Counts(self.registered + other.registered, self.selected + other.selected,
                      self.participating + other.participating,
                      self.completed + other.completed)


def rate(part, whole):
    """A share as the manual prints it: "0.14%"; "0.00%" when there is nobody to count."""
    if not whole:
        return "0.00%"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value}%"


def row(org_name, day, counts):
    return {"org_name": org_name, "statistics_date": day.isoformat(),
            "registered": counts.registered, "selected": counts.selected,
            "participating": counts.participating, "completed": counts.completed,
            "not_completed": counts.participating - counts.completed,
            "participation_rate": rate(counts.participating, counts.registered),
            "completion_rate": rate(counts.completed, counts.registered)}


def table(day, units):
    """The rows for `units` [(org name, Counts)] and the 合计 row."""
    rows = [row(name, day, counts) for name, counts in units]
    total = sum((counts for _, counts in units), Counts(0, 0, 0, 0))
    return rows, row("合计", day, total) | {"org_name": "合计"}
