"""去支付: sends an unpaid order to the channel the learner chose — Alipay (the browser
goes to the signed page-pay URL), a bank through UnionPay (the browser posts the signed
form to UnionPay's gateway, which opens the chosen bank's page), the balance (paid at
once) — after checking it may still be paid."""
from sqlalchemy import update

from services.common.errors import InvalidInput

from . import alipay, balance, unionpay
from .models import orders
from .orders import own_order, require_payable
from .settings import public_base_url

METHODS = ("alipay", "bank", "balance")


def start_payment(uow, actor, order_no, method, bank=None):
    if method not in METHODS:
        raise InvalidInput("payment_method_unknown", "请选择支付方式：支付宝、银行卡或余额",
                           fields={"method": ["不是可选的支付方式"]})
    if method == "balance":
        return balance.pay(uow, actor, order_no) | {"redirect_url": None}
    if method == "bank":
        return start_bank_payment(uow, actor, order_no, bank)
    order = own_order(uow, actor, order_no, lock=True)
    now = uow.clock.now()
    require_payable(order, now)
    uow.session.execute(update(orders).where(orders.c.id == order["id"])
                        .values(tried_channel=method))
    base = public_base_url()
    url = alipay.page_pay_url(alipay.config(), order, f"{base}/api/v1/payments/alipay/notify",
                              f"{base}/api/v1/payments/alipay/return", now)
    return {"order_no": order["order_no"], "status": "unpaid", "redirect_url": url}


def start_bank_payment(uow, actor, order_no, bank):
    """银行卡支付 at `bank` (as the web client names it: 中国工商银行 …): the signed form the
    browser posts to UnionPay's gateway. The order is paid only by UnionPay's back
    notification (or reconciliation), never by the browser's return."""
    code = unionpay.bank_code(bank)
    if code is None:
        raise InvalidInput("bank_unknown", "请选择支付的银行",
                           fields={"bank": ["请选择列表中的银行：" + "、".join(unionpay.BANKS)]})
    order = own_order(uow, actor, order_no, lock=True)
    now = uow.clock.now()
    require_payable(order, now)
    uow.session.execute(update(orders).where(orders.c.id == order["id"])
                        .values(tried_channel="bank"))
    base = public_base_url()
    form = unionpay.front_request(unionpay.config(), order, code,
                                  f"{base}/api/v1/payments/bank/notify",
                                  f"{base}/api/v1/payments/bank/return", now)
    return {"order_no": order["order_no"], "status": "unpaid", "redirect_url": None,
            "form": form}
