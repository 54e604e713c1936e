"""学时 are fixed-point with one decimal: never floats, in storage or on the wire."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

STEP = Decimal("0.1")
ZERO = Decimal("0.0")


def hours(value):
    """A Decimal of one decimal place from a str, int or Decimal (floats refused)."""
    if isinstance(value, float):
        raise TypeError("hours are never floats")
    try:
        result = Decimal(str(value)).quantize(STEP, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"not a number of hours: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a number of hours: {value!r}")
    return result


def text(value):
    """'32.0' for the wire."""
    return str(hours(value if value is not None else 0))


def total(values):
    return sum((hours(v) for v in values), ZERO)
