"""去支付: sends an unpaid order to the channel the learner chose — Alipay (the browser
goes to the signed page-pay URL), the balance (paid at once) — after checking it may
still be paid."""
from sqlalchemy import update

from services.common.errors import InvalidInput

from . import alipay, balance
from .models import orders
from .orders import own_order, require_payable
from .settings import public_base_url

METHODS = ("alipay", "bank", "balance")


def start_payment(uow, actor, order_no, method):
    if method not in METHODS:
        raise InvalidInput("payment_method_unknown", "请选择支付方式：支付宝、银行卡或余额",
                           fields={"method": ["不是可选的支付方式"]})
    if method == "balance":
        return balance.pay(uow, actor, order_no) | {"redirect_url": None}
    if method == "bank":
        raise InvalidInput("bank_not_available", "银行卡支付即将开通，请先使用支付宝或余额支付")
    order = own_order(uow, actor, order_no, lock=True)
    now = uow.clock.now()
    require_payable(order, now)
    uow.session.execute(update(orders).where(orders.c.id == order["id"])
                        .values(tried_channel=method))
    base = public_base_url()
    url = alipay.page_pay_url(alipay.config(), order, f"{base}/api/v1/payments/alipay/notify",
                              f"{base}/api/v1/payments/alipay/return", now)
    return {"order_no": order["order_no"], "status": "unpaid", "redirect_url": url}
