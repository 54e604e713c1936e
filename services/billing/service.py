"""billing's Nameko entrypoints. Thin: unpack, call the service layer, return plain data.
Prices come from learning (`quote`); billing calls learning, never the other way."""
from nameko.rpc import rpc
from nameko.timer import timer

from services.common.dependencies import Database, Heartbeat
from services.common.errors import DomainError
from services.common.rpc_client import ServiceRpc
from services.common.runtime import prepare_service_process

from . import balance, cart, checkout, notices, orders, refunds
from .models import inbox, outbox

prepare_service_process()

expected = (DomainError,)


class BillingService:
    name = "billing"

    db = Database("billing", outbox, inbox)
    heartbeat = Heartbeat()
    learning = ServiceRpc("learning")  # the one way calls go: billing -> learning

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
    def pay_order(self, actor, order_no, method):
        with self.db() as uow:
            answer = checkout.start_payment(uow, actor, order_no, method)
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

    # --- payment providers --------------------------------------------------------

    @rpc
    def alipay_notification(self, form, raw):
        """The reply text for Alipay: `success` only after the commit."""
        return notices.alipay_notification(self.db, dict(form), raw)

    @timer(interval=60)
    def reconcile_alipay(self):
        with self.db() as uow:
            now = uow.clock.now()
        notices.reconcile(self.db, now)

    @timer(interval=30)
    def close_expired_orders(self):
        with self.db() as uow:
            orders.close_expired(uow)
            uow.commit()
