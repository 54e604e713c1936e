"""The UnionPay half of the sandbox's state, in the same SQLite file as Alipay's (the
same engine, tables of its own): trades, their refunds (退货), and every back
notification with each attempt to deliver it. Money is integer fen; times are ACP's yyyyMMddHHmmss in Beijing time, so
they compare as text. The notifications' methods are those sandbox.delivery.Notifier
calls, keyed by queryId."""
import json

import sqlalchemy as sa

metadata = sa.MetaData()

trades = sa.Table(
    "unionpay_trades", metadata,
    sa.Column("query_id", sa.String(21), primary_key=True),
    sa.Column("mer_id", sa.String(15), nullable=False),
    sa.Column("order_id", sa.String(40), nullable=False),
    sa.Column("txn_time", sa.String(14), nullable=False),
    sa.Column("txn_amt", sa.BigInteger, nullable=False),
    sa.Column("currency_code", sa.String(3), nullable=False),
    sa.Column("bank", sa.String(20)),          # issInsCode
    sa.Column("commodity", sa.Text),
    sa.Column("req_reserved", sa.Text),
    sa.Column("back_url", sa.Text),
    sa.Column("front_url", sa.Text),
    sa.Column("pay_timeout", sa.String(14)),
    sa.Column("status", sa.String(10), nullable=False),  # waiting | paid | closed
    sa.Column("created_at", sa.String(14), nullable=False),
    sa.Column("paid_at", sa.String(14)),
    sa.Column("acc_no", sa.String(19)),
    sa.Column("trace_no", sa.String(6)),
    sa.Column("trace_time", sa.String(10)),
    sa.Column("settle_date", sa.String(4)),
    sa.UniqueConstraint("mer_id", "order_id", "txn_time"),
)

# 退货: a refund of a paid trade (orig_query_id), known by its own queryId; one per
# merchant orderId.
refunds = sa.Table(
    "unionpay_refunds", metadata,
    sa.Column("query_id", sa.String(21), primary_key=True),
    sa.Column("orig_query_id", sa.String(21), nullable=False, index=True),
    sa.Column("mer_id", sa.String(15), nullable=False),
    sa.Column("order_id", sa.String(40), nullable=False),
    sa.Column("txn_time", sa.String(14), nullable=False),
    sa.Column("txn_amt", sa.BigInteger, nullable=False),
    sa.Column("back_url", sa.Text),
    sa.Column("req_reserved", sa.Text),
    sa.Column("created_at", sa.String(14), nullable=False),
    sa.Column("trace_no", sa.String(6)),
    sa.Column("trace_time", sa.String(10)),
    sa.Column("settle_date", sa.String(4)),
    sa.UniqueConstraint("mer_id", "order_id"),
)

MADE = sa.literal_column("unionpay_refunds.rowid")  # SQLite's insertion order

notifications = sa.Table(
    "unionpay_notifications", metadata,
    sa.Column("query_id", sa.String(21), primary_key=True),
    sa.Column("notify_url", sa.Text, nullable=False),
    sa.Column("params", sa.Text, nullable=False),  # JSON of the signed form fields
    sa.Column("created_at", sa.String(19), nullable=False),
    sa.Column("acknowledged_at", sa.String(19)),
)

attempts = sa.Table(
    "unionpay_notification_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("query_id", sa.String(21), nullable=False, index=True),
    sa.Column("at", sa.String(26), nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("excerpt", sa.Text, nullable=False),
    sa.Column("acknowledged", sa.Boolean, nullable=False),
)


def _row(row):
    return dict(row._mapping) if row is not None else None


class UnionPayStore:
    def __init__(self, engine):
        self.engine = engine
        metadata.create_all(engine)

    # --- trades -----------------------------------------------------------------------

    def open_trade(self, values):
        """(trade, created): the trade for (mer_id, order_id, txn_time), inserted if new."""
        with self.engine.begin() as db:
            existing = _row(db.execute(trades.select().where(
                trades.c.mer_id == values["mer_id"], trades.c.order_id == values["order_id"],
                trades.c.txn_time == values["txn_time"])).first())
            if existing:
                return existing, False
            db.execute(trades.insert().values(**values))
            return _row(db.execute(trades.select().where(
                trades.c.query_id == values["query_id"])).first()), True

    def trade(self, now=None, query_id=None, mer_id=None, order_id=None, txn_time=None):
        """The trade by queryId or by the merchant's numbers; closed first when `now` is
        given and its payTimeout has passed unpaid."""
        where = ([trades.c.query_id == query_id] if query_id else
                 [trades.c.mer_id == mer_id, trades.c.order_id == order_id,
                  trades.c.txn_time == txn_time])
        with self.engine.begin() as db:
            if now is not None:
                db.execute(trades.update().where(
                    *where, trades.c.status == "waiting", trades.c.pay_timeout.is_not(None),
                    trades.c.pay_timeout <= now).values(status="closed"))
            return _row(db.execute(trades.select().where(*where)).first())

    def pay(self, query_id, paid, now):
        """The trade, now paid with `paid` (card and settlement numbers), if it was
        waiting and in time; else None."""
        with self.engine.begin() as db:
            changed = db.execute(trades.update().where(
                trades.c.query_id == query_id, trades.c.status == "waiting",
                sa.or_(trades.c.pay_timeout.is_(None), trades.c.pay_timeout > now)).values(
                status="paid", **paid)).rowcount
            if not changed:
                return None
            return _row(db.execute(trades.select().where(trades.c.query_id == query_id)).first())

    # --- refunds ------------------------------------------------------------------------

    def refund(self, values):
        """(outcome, refund row, fen left to refund) — outcome one of "refunded", "repeated"
        (the same refund asked again: its row), "mismatch" (the orderId names another
        refund), "status" (no paid trade with that queryId), "excess" (more than is left).
        One write transaction: two refunds racing for the rest cannot both have it."""
        with self.engine.begin() as db:
            earlier = _row(db.execute(refunds.select().where(
                refunds.c.mer_id == values["mer_id"],
                refunds.c.order_id == values["order_id"])).first())
            if earlier:
                same = (earlier["orig_query_id"], earlier["txn_amt"]) == (
                    values["orig_query_id"], values["txn_amt"])
                return ("repeated" if same else "mismatch"), earlier, None
            trade = _row(db.execute(trades.select().where(
                trades.c.query_id == values["orig_query_id"],
                trades.c.mer_id == values["mer_id"])).first())
            if trade is None or trade["status"] != "paid":
                return "status", None, None
            refunded = db.execute(sa.select(sa.func.coalesce(sa.func.sum(refunds.c.txn_amt), 0))
                                  .where(refunds.c.orig_query_id == trade["query_id"])).scalar()
            left = trade["txn_amt"] - refunded
            if values["txn_amt"] > left:
                return "excess", None, left
            db.execute(refunds.insert().values(**values))
            return "refunded", _row(db.execute(refunds.select().where(
                refunds.c.query_id == values["query_id"])).first()), left - values["txn_amt"]

    def refund_by(self, mer_id, order_id, txn_time):
        """The refund the merchant numbered (orderId, txnTime), or None."""
        with self.engine.begin() as db:
            return _row(db.execute(refunds.select().where(
                refunds.c.mer_id == mer_id, refunds.c.order_id == order_id,
                refunds.c.txn_time == txn_time)).first())

    def refunds_of(self, query_id):
        """The refunds of the trade `query_id`, oldest first."""
        with self.engine.begin() as db:
            return [_row(row) for row in db.execute(refunds.select().where(
                refunds.c.orig_query_id == query_id).order_by(MADE))]

    # --- notifications (sandbox.delivery.Notifier's store) -------------------------------

    def add_notification(self, params, notify_url, now):
        with self.engine.begin() as db:
            db.execute(notifications.insert().values(
                query_id=params["queryId"], notify_url=notify_url,
                params=json.dumps(params, ensure_ascii=False), created_at=now))

    def record_attempt(self, query_id, at, http_status, excerpt, acknowledged, now):
        with self.engine.begin() as db:
            db.execute(attempts.insert().values(
                query_id=query_id, at=at, http_status=http_status, excerpt=excerpt,
                acknowledged=acknowledged))
            if acknowledged:
                db.execute(notifications.update().where(
                    notifications.c.query_id == query_id,
                    notifications.c.acknowledged_at.is_(None)).values(acknowledged_at=now))

    def acknowledged(self, query_id):
        with self.engine.begin() as db:
            return db.execute(sa.select(notifications.c.acknowledged_at).where(
                notifications.c.query_id == query_id)).scalar() is not None

    def attempts(self, query_id):
        with self.engine.begin() as db:
            return [_row(row) for row in db.execute(attempts.select().where(
                attempts.c.query_id == query_id).order_by(attempts.c.id))]

    def overview(self, limit=200):
        """The latest trades, each with its notification's attempts and its refunds (each
        with its own notification's attempts), and `refunded_fen`."""
        with self.engine.begin() as db:
            rows = [_row(row) for row in db.execute(trades.select().order_by(
                trades.c.created_at.desc(), trades.c.query_id.desc()).limit(limit))]
            paid_back = [_row(row) for row in db.execute(refunds.select().where(
                refunds.c.orig_query_id.in_([row["query_id"] for row in rows])).order_by(
                MADE))]
            numbers = [row["query_id"] for row in rows + paid_back]
            sent = {row.query_id: _row(row) for row in db.execute(notifications.select().where(
                notifications.c.query_id.in_(numbers)))}
            tries = [_row(row) for row in db.execute(attempts.select().where(
                attempts.c.query_id.in_(numbers)).order_by(attempts.c.id))]
        for row in rows + paid_back:
            row["notification"] = sent.get(row["query_id"])
            row["attempts"] = [a for a in tries if a["query_id"] == row["query_id"]]
        for row in rows:
            row["refunds"] = [r for r in paid_back if r["orig_query_id"] == row["query_id"]]
            row["refunded_fen"] = sum(r["txn_amt"] for r in row["refunds"])
        return rows
