"""What a learner pays, in integer fen: an elective's hours times the plan's price per
hour, or the plan's flat fee; required courses are free where the plan says so."""
from decimal import ROUND_HALF_UP, Decimal

from .hours import hours


def course_price_fen(plan, course_hours, kind):
    """The price of one course of `plan` (a mapping with pricing, price_per_hour_fen,
    required_free). A flat-fee plan sells no course on its own: 0."""
    if plan["pricing"] == "flat":
        return 0
    if kind == "required" and plan["required_free"]:
        return 0
    amount = hours(course_hours) * Decimal(int(plan["price_per_hour_fen"]))
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def plan_fee_fen(plan):
    return int(plan["flat_price_fen"]) if plan["pricing"] == "flat" else 0
