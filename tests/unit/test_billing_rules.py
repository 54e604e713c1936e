"""billing's rules in plain Python: money in fen and yuan, order numbers, and what a
provider's notification does to an order."""
from datetime import datetime

import pytest

from services.billing.domain import order_numbers, settlement
from services.billing.domain.money import fen_from_yuan, yuan_text
from services.billing.domain.settlement import Notice, OrderFacts, decide


@pytest.mark.parametrize("fen,text", [(0, "0.00"), (1, "0.01"), (15000, "150.00"),
                                      (16050, "160.50"), (-500, "-5.00")])
def test_yuan_text(fen, text):
    assert yuan_text(fen) == text


@pytest.mark.parametrize("text,fen", [("150.00", 15000), ("0.01", 1), ("150", 15000),
                                      ("150.5", 15050), ("0", 0)])
def test_amounts_in_yuan_become_fen(text, fen):
    assert fen_from_yuan(text) == fen


@pytest.mark.parametrize("text", ["150.001", "1e3", "-1.00", " 1.00", "1.00 ", "", None,
                                  "01.00", "1,000.00", "NaN", "1.0.0", ".50"])
def test_anything_else_is_not_an_amount(text):
    with pytest.raises(ValueError):
        fen_from_yuan(text)


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        yuan_text(1.5)


def test_order_numbers_suit_alipay_and_unionpay():
    now = datetime(2026, 12, 1, 14, 10, 35)
    numbers = {order_numbers.new_number("order", now) for _ in range(1000)}
    assert len(numbers) == 1000
    for number in numbers:
        assert order_numbers.is_valid(number) and 8 <= len(number) <= 40
        assert number.startswith("CE20261201141035")
    assert not order_numbers.is_valid("CE-2026")
    assert not order_numbers.is_valid("A" * 41)


def paid(amount=15000, trade="T1", ours=True, channel="alipay", succeeded=True):
    return Notice(channel, trade, succeeded, amount, ours)


UNPAID = OrderFacts("unpaid", 15000, None)
PAID_BY_T1 = OrderFacts("paid", 15000, ("alipay", "T1"))


@pytest.mark.parametrize("notice,order,outcome", [
    (paid(), UNPAID, settlement.APPLY),
    (paid(), PAID_BY_T1, settlement.ALREADY_APPLIED),
    (paid(trade="T2"), PAID_BY_T1, settlement.SECOND_PAYMENT),
    (paid(channel="bank", trade="T1"), PAID_BY_T1, settlement.SECOND_PAYMENT),
    (paid(), OrderFacts("closed", 15000, None), settlement.LATE_PAYMENT),
    (paid(amount=14999), UNPAID, settlement.REJECT),
    (paid(amount=None), UNPAID, settlement.REJECT),
    (paid(ours=False), UNPAID, settlement.REJECT),
    (paid(succeeded=False), UNPAID, settlement.NOT_A_PAYMENT),
    (paid(succeeded=False, ours=False), UNPAID, settlement.REJECT),
])
def test_what_a_notification_does(notice, order, outcome):
    decision = decide(notice, order)
    assert decision.outcome == outcome
    assert decision.reason  # a Chinese sentence for the operator's view
    assert decision.acknowledged == (outcome != settlement.REJECT)
    assert decision.refund_due == (outcome in (settlement.SECOND_PAYMENT,
                                               settlement.LATE_PAYMENT))
