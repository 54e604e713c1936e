"""For the operator, money (issue 11's sixth report): per Beijing day and plan, paid orders
and their amount, refunds and their amount, and what is left; per day, learning-card
redemptions and balance recharges — over a date range, with the totals. Integer fen
everywhere; yuan strings only for showing."""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.common.errors import Forbidden, InvalidInput

from .models import money_days, plans

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _yuan(fen):
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _range(date_from, date_to, today):
    try:
        end = date.fromisoformat(date_to) if date_to else today
        start = date.fromisoformat(date_from) if date_from else end - timedelta(days=29)
    except ValueError:
        raise InvalidInput("date_invalid", "日期格式不正确",
                           fields={"date_from": ["格式为 YYYY-MM-DD"]}) from None
    if start > end or (end - start).days > 366:
        raise InvalidInput("date_range_invalid", "日期范围须在一年以内，且开始不晚于结束",
                           fields={"date_from": ["日期范围不正确"]})
    return start, end


def report(uow, actor, date_from=None, date_to=None, plan_id=None, today=None):
    if (actor or {}).get("role") != "operator":
        raise Forbidden("operator_required", "仅平台运营人员可以查看收支统计")
    start, end = _range(date_from, date_to, today or date.today())
    query = select(money_days).where(money_days.c.day >= start, money_days.c.day <= end)
    if plan_id is not None:
        query = query.where(money_days.c.plan_id.in_((int(plan_id), 0)))
    by_plan, by_day = {}, {}
    for r in uow.session.execute(query).mappings():
        day = r["day"].isoformat()
        if r["kind"] in ("paid", "refund"):
            row = by_plan.setdefault((day, r["plan_id"]), {"paid": [0, 0], "refund": [0, 0]})
            row[r["kind"]] = [r["count"], r["fen"]]
        else:
            row = by_day.setdefault(day, {"card": [0, 0], "recharge": [0, 0]})
            row[r["kind"]] = [r["count"], r["fen"]]
    names = dict(uow.session.execute(select(plans.c.plan_id, plans.c.name).where(
        plans.c.plan_id.in_({p for _, p in by_plan}))).all()) if by_plan else {}
    rows = [{"date": day, "plan_id": plan, "plan_name": names.get(plan),
             "paid_orders": v["paid"][0], "paid_fen": v["paid"][1],
             "paid": _yuan(v["paid"][1]), "refunds": v["refund"][0],
             "refunded_fen": v["refund"][1], "refunded": _yuan(v["refund"][1]),
             "net_fen": v["paid"][1] - v["refund"][1],
             "net": _yuan(v["paid"][1] - v["refund"][1])}
            for (day, plan), v in sorted(by_plan.items())]
    days = [{"date": day, "card_redemptions": v["card"][0], "card_fen": v["card"][1],
             "card": _yuan(v["card"][1]), "recharges": v["recharge"][0],
             "recharge_fen": v["recharge"][1], "recharge": _yuan(v["recharge"][1])}
            for day, v in sorted(by_day.items())]
    total = {key: sum(r[key] for r in rows) for key in
             ("paid_orders", "paid_fen", "refunds", "refunded_fen", "net_fen")}
    total |= {key: sum(d[key] for d in days) for key in
              ("card_redemptions", "card_fen", "recharges", "recharge_fen")}
    total |= {"paid": _yuan(total["paid_fen"]), "refunded": _yuan(total["refunded_fen"]),
              "net": _yuan(total["net_fen"]), "card": _yuan(total["card_fen"]),
              "recharge": _yuan(total["recharge_fen"])}
    return {"date_from": start.isoformat(), "date_to": end.isoformat(), "rows": rows,
            "days": days, "total": total}
