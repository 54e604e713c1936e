"""billing's Nameko entrypoints. Thin: unpack, call the service layer, return plain data.
Prices come from learning (`quote`); billing calls learning, never the other way."""
from eventlet import tpool
from nameko.rpc import rpc
from nameko.timer import timer

from services.common.dependencies import Database, Heartbeat, event_handler, idempotent
from services.common.errors import DomainError
from services.common.events import read_envelope
from services.common.jobs import JobQueue, sweep_seconds
from services.common.rpc_client import ServiceRpc
from services.common.runtime import prepare_service_process
from services.common.storage import FileStorage

from . import (balance, cards, cart, checkout, invoices, notices, orders, people, recharges,
               refunds)
from .models import inbox, jobs, outbox

prepare_service_process()

expected = (DomainError,)
JOBS = JobQueue.from_env(jobs)


def offload(function, *args):
    """CPU-heavy work (hashing a batch's card passwords, writing its .xlsx) off the event
    loop, so RPC and the broker's heartbeats keep being served."""
    return tpool.execute(function, *args)


class BillingService:
    name = "billing"

    db = Database("billing", outbox, inbox)
    heartbeat = Heartbeat()
    learning = ServiceRpc("learning")  # the one way calls go: billing -> learning
    storage = FileStorage()

    def _quote(self, actor, plan_id, course_ids):
        return self.learning.quote(actor, plan_id, course_ids)

    @rpc
    def ping(self):
        return "pong"

    @rpc
    def replay_events(self, after_position=0, limit=100):
        return self.db.replay_events(after_position, limit)

    # --- 购物车 -------------------------------------------------------------------

    @rpc(expected_exceptions=expected)
    def cart(self, actor):
        with self.db() as uow:
            return cart.view(uow, actor, self._quote)

    @rpc(expected_exceptions=expected)
    def add_to_cart(self, actor, plan_id, course_id=None):
        with self.db() as uow:
            answer = cart.add(uow, actor, self._quote, plan_id, course_id)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def remove_from_cart(self, actor, plan_id, course_id=None):
        with self.db() as uow:
            answer = cart.remove(uow, actor, self._quote, plan_id, course_id)
            uow.commit()
            return answer

    # --- 订单 ---------------------------------------------------------------------

    @rpc(expected_exceptions=expected)
    def place_order(self, actor, plan_id, course_ids):
        quoted = self._quote(actor, plan_id, course_ids)  # the prices of this moment
        with self.db() as uow:
            answer = orders.checkout(uow, actor, quoted, plan_id, course_ids)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def my_orders(self, actor, query=None):
        with self.db() as uow:
            return orders.listing(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def my_order(self, actor, order_no):
        with self.db() as uow:
            return orders.detail(uow, actor, order_no)

    @rpc(expected_exceptions=expected)
    def delete_order(self, actor, order_no):
        with self.db() as uow:
            answer = orders.delete(uow, actor, order_no)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def pay_order(self, actor, order_no, method, bank=None):
        with self.db() as uow:
            answer = checkout.start_payment(uow, actor, order_no, method, bank)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def recharge(self, actor, amount_fen):
        with self.db() as uow:
            answer = recharges.start(uow, actor, amount_fen)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def my_account(self, actor, query=None):
        with self.db() as uow:
            return balance.account(uow, actor, query or {})

    # --- operator: orders and refunds ----------------------------------------------

    @rpc(expected_exceptions=expected)
    def all_orders(self, actor, query=None):
        with self.db() as uow:
            return orders.operator_listing(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def refund_order(self, actor, order_no, request_id, course_ids=None, whole=False,
                     reason=None):
        with self.db() as uow:
            answer, at_provider = refunds.request(uow, actor, order_no, request_id,
                                                  course_ids, whole, reason)
            uow.commit()
        if at_provider is not None:
            answer["status"] = refunds.settle_at_provider(self.db, **at_provider)
        return answer

    @timer(interval=60)
    def retry_pending_refunds(self):
        refunds.retry_pending(self.db)
        refunds.return_surplus_payments(self.db)

    # --- 学习卡 -------------------------------------------------------------------

    @rpc(expected_exceptions=expected)
    def issue_card_batch(self, actor, data):
        with self.db() as uow:
            answer = cards.issue(uow, actor, data)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def card_batches(self, actor):
        with self.db() as uow:
            return cards.batches(uow, actor)

    @rpc(expected_exceptions=expected)
    def card_batch(self, actor, batch_id):
        with self.db() as uow:
            return cards.batch(uow, actor, batch_id)

    @rpc(expected_exceptions=expected)
    def card_batch_export(self, actor, batch_id):
        with self.db() as uow:
            return cards.export_link(uow, actor, self.storage, batch_id)

    @rpc(expected_exceptions=expected)
    def sell_cards(self, actor, batch_id, count):
        with self.db() as uow:
            answer = cards.sell(uow, actor, batch_id, count)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def redeem_card(self, actor, card_no, password):
        with self.db() as uow:
            row, refusal = cards.check_attempt(uow, actor, card_no, password)
            if refusal is not None:
                if refusal.code == "card_invalid":  # a wrong guess counts, kept even so
                    cards.record_attempt(uow, actor["user_id"], False)
                    uow.commit()
                raise refusal
            answer = cards.redeem(uow, actor, row)
            uow.commit()
            return answer

    # --- 发票 ---------------------------------------------------------------------

    @rpc(expected_exceptions=expected)
    def request_invoice(self, actor, data):
        with self.db() as uow:
            answer = invoices.request(uow, actor, data)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def my_invoices(self, actor):
        with self.db() as uow:
            return invoices.mine(uow, actor)

    @rpc(expected_exceptions=expected)
    def batch_invoice(self, actor, data):
        with self.db() as uow:
            answer = invoices.batch_request(uow, actor, data)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def all_invoices(self, actor, query=None):
        with self.db() as uow:
            return invoices.listing(uow, actor, query or {})

    @rpc(expected_exceptions=expected)
    def issue_invoice(self, actor, request_no, invoice_no, upload_key):
        with self.db() as uow:
            answer = invoices.issue(uow, actor, self.storage, request_no, invoice_no,
                                    upload_key)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def reject_invoice(self, actor, request_no, reason):
        with self.db() as uow:
            answer = invoices.reject(uow, actor, request_no, reason)
            uow.commit()
            return answer

    @rpc(expected_exceptions=expected)
    def invoice_file(self, actor, request_no):
        with self.db() as uow:
            return invoices.download_link(uow, actor, self.storage, request_no)

    def _job_kinds(self):
        return [cards.job_kind(self.storage, offload)]

    @event_handler("billing", "card_batch_requested")
    def on_card_batch_requested(self, body):
        JOBS.run(self.db, self._job_kinds(), job_id=read_envelope(body)["payload"]["job_id"])

    @timer(interval=sweep_seconds())
    def run_due_jobs(self):
        JOBS.run_due(self.db, self._job_kinds())

    # --- what other services tell ---------------------------------------------------

    @event_handler("identity", "user_registered")
    @idempotent
    def on_user_registered(self, uow, payload, envelope):
        people.registered(uow, payload, envelope)

    @event_handler("identity", "user_updated")
    @idempotent
    def on_user_updated(self, uow, payload, envelope):
        people.updated(uow, payload, envelope)

    # --- payment providers --------------------------------------------------------

    @rpc
    def provider_notifications(self, channel, items):
        """The replies, in order, to a group of notifications from `channel` ("alipay" or
        "bank"), each item [form fields, raw text]: Alipay's `success` / UnionPay's `ok`
        only after the commit that applied and recorded them, `fail` otherwise (the
        provider sends it again)."""
        if channel not in notices.ANSWERS:
            raise DomainError("unknown_channel", "不支持的支付渠道")
        return notices.notifications(self.db, channel, [(dict(form), str(raw))
                                                        for form, raw in items])

    @timer(interval=60)
    def reconcile_alipay(self):
        with self.db() as uow:
            now = uow.clock.now()
        notices.reconcile(self.db, now)

    @timer(interval=60)
    def reconcile_bank(self):
        with self.db() as uow:
            now = uow.clock.now()
        notices.reconcile_bank(self.db, now)

    @timer(interval=30)
    def close_expired_orders(self):
        with self.db() as uow:
            orders.close_expired(uow)
            uow.commit()
