"""Money is integer fen everywhere inside the platform; on the wire to Alipay and on the
screen it is yuan with exactly two decimals ("150.00")."""
import re

YUAN = re.compile(r"^(0|[1-9]\d{0,9})\.\d{2}$|^(0|[1-9]\d{0,9})(\.\d)?$")
EXACT_YUAN = re.compile(r"^(0|[1-9]\d{0,9})\.(\d{2})$")


def yuan_text(fen):
    """150.00 for 15000."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError("money is integer fen")
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def fen_from_yuan(text):
    """Fen from an amount in yuan as a payment provider writes it ("150.00", also "150" or
    "150.5"); ValueError for anything else — three decimals, signs, exponents, spaces."""
    if not isinstance(text, str) or not YUAN.match(text):
        raise ValueError(f"not an amount in yuan: {text!r}")
    whole, _, decimals = text.partition(".")
    return int(whole) * 100 + int((decimals + "00")[:2])
