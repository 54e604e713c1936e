"""Plan windows and deadlines are calendar dates in Asia/Shanghai; the clock is UTC."""
from datetime import date
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_today(now_utc):
    return now_utc.astimezone(SHANGHAI).date()


def plan_open(plan, today: date):
    """A published plan between its first and last day (both included)."""
    return plan["status"] == "published" and plan["opens_on"] <= today <= plan["closes_on"]


def plan_state_label(plan, today):
    if plan["status"] == "draft":
        return "未发布"
    if plan["status"] == "closed" or today > plan["closes_on"]:
        return "已结束"
    if today < plan["opens_on"]:
        return "未开始"
    return "进行中"


def payable(plan, today):
    return plan_open(plan, today) and today <= plan["pay_deadline"]
