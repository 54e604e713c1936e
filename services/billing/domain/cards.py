"""Learning cards (学习卡): numbers a person types from a printed card, and the rules of
redeeming one. A number is 16 digits — a 4-digit batch prefix, 11 digits of sequence
and a Luhn check digit, so a mistyped digit is caught before any lookup; a password is
12 random digits (10^12 to guess, and guessing is rate-limited)."""
import secrets
from dataclasses import dataclass
from datetime import date

from stdnum import luhn

PASSWORD_DIGITS = 12
MAX_FAILURES = 5          # wrong passwords in the window, then a pause
FAILURE_WINDOW_MINUTES = 15


def card_number(batch_id, sequence):
    body = f"{batch_id % 10000:04d}{sequence:011d}"
    return body + luhn.calc_check_digit(body)


def well_formed(number):
    return isinstance(number, str) and len(number) == 16 and number.isdigit() \
        and luhn.is_valid(number)


def new_password():
    return "".join(secrets.choice("0123456789") for _ in range(PASSWORD_DIGITS))


@dataclass(frozen=True)
class Card:
    status: str        # unsold | sold | redeemed | void
    valid_from: date
    valid_to: date


def refusal(card, today):
    """Why `card` cannot be redeemed today (a Chinese sentence), or None."""
    if card is None:
        return "卡号或密码错误"
    if card.status == "redeemed":
        return "该学习卡已被使用"
    if card.status == "void":
        return "该学习卡已作废"
    if today < card.valid_from:
        return f"该学习卡自{card.valid_from:%Y年%m月%d日}起可用"
    if today > card.valid_to:
        return f"该学习卡已于{card.valid_to:%Y年%m月%d日}过期"
    return None
