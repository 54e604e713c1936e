"""Order numbers: 8–40 letters and digits, so the same number is valid as Alipay's
`out_trade_no` (at most 64 of letters, digits and underscores) and as UnionPay's
`orderId` (8–40 letters and digits). Time first, so numbers sort by when they were
made and a person can read the day off one; then random digits, so they cannot be
guessed or counted. Uniqueness is the database's (a unique index; a clash retries)."""
import re
import secrets

PATTERN = re.compile(r"^[A-Za-z0-9]{8,40}$")
PREFIXES = {"order": "CE", "refund": "RF", "recharge": "RC", "invoice": "FP"}


def new_number(kind, now_shanghai):
    """E.g. CE2026120114103512345678 (24 characters)."""
    return f"{PREFIXES[kind]}{now_shanghai:%Y%m%d%H%M%S}{secrets.randbelow(10**8):08d}"


def is_valid(number):
    return isinstance(number, str) and bool(PATTERN.match(number))
