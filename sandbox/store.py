"""The sandbox's state in one SQLite file (SQLAlchemy Core): trades, refunds, and every
notification with each attempt to deliver it. Money is integer fen; times are Alipay's
"yyyy-MM-dd HH:mm:ss" in Beijing time, so they compare as text."""
import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

WAIT, SUCCESS, FINISHED, CLOSED = ("WAIT_BUYER_PAY", "TRADE_SUCCESS", "TRADE_FINISHED",
                                   "TRADE_CLOSED")

metadata = sa.MetaData()

trades = sa.Table(
    "trades", metadata,
    sa.Column("trade_no", sa.String(32), primary_key=True),
    sa.Column("out_trade_no", sa.String(64), nullable=False, unique=True),
    sa.Column("app_id", sa.String(32), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body", sa.Text),
    sa.Column("passback_params", sa.Text),
    sa.Column("total_fen", sa.BigInteger, nullable=False),
    sa.Column("refunded_fen", sa.BigInteger, nullable=False, default=0),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("notify_url", sa.Text),
    sa.Column("return_url", sa.Text),
    sa.Column("gmt_create", sa.String(19), nullable=False),
    sa.Column("expires_at", sa.String(19)),
    sa.Column("gmt_payment", sa.String(19)),
    sa.Column("gmt_close", sa.String(19)),
)

refunds = sa.Table(
    "refunds", metadata,
    sa.Column("trade_no", sa.String(32), primary_key=True),
    sa.Column("out_request_no", sa.String(64), primary_key=True),
    sa.Column("refund_fen", sa.BigInteger, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("gmt_refund_pay", sa.String(19), nullable=False),
)

notifications = sa.Table(
    "notifications", metadata,
    sa.Column("notify_id", sa.String(64), primary_key=True),
    sa.Column("trade_no", sa.String(32), nullable=False, index=True),
    sa.Column("trade_status", sa.String(16), nullable=False),
    sa.Column("notify_url", sa.Text, nullable=False),
    sa.Column("params", sa.Text, nullable=False),  # JSON of the signed form fields
    sa.Column("created_at", sa.String(19), nullable=False),
    sa.Column("acknowledged_at", sa.String(19)),
)

attempts = sa.Table(
    "notification_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("notify_id", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.String(26), nullable=False),
    sa.Column("http_status", sa.Integer),  # None: no HTTP answer at all
    sa.Column("excerpt", sa.Text, nullable=False),  # the answer's start, or the error
    sa.Column("acknowledged", sa.Boolean, nullable=False),
)


def _engine(path):
    engine = sa.create_engine(f"sqlite:///{path}",
                              connect_args={"timeout": 30, "check_same_thread": False})

    # Every transaction takes SQLite's write lock up front (BEGIN IMMEDIATE; SQLAlchemy's
    # documented recipe): "read, decide, write" — a refund's idempotency, paying only a
    # waiting trade — then holds across threads and gunicorn workers alike.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _row(row):
    return dict(row._mapping) if row is not None else None


class Store:
    def __init__(self, path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.engine = _engine(path)
        metadata.create_all(self.engine)

    def dispose(self):
        self.engine.dispose()

    # --- trades -----------------------------------------------------------------------

    def open_trade(self, values):
        """(trade, created): the trade for values["out_trade_no"], inserted if new."""
        with self.engine.begin() as db:
            existing = _row(db.execute(trades.select().where(
                trades.c.out_trade_no == values["out_trade_no"])).first())
            if existing:
                return existing, False
            db.execute(trades.insert().values(refunded_fen=0, **values))
            return _row(db.execute(trades.select().where(
                trades.c.trade_no == values["trade_no"])).first()), True

    def trade(self, now, trade_no=None, out_trade_no=None):
        """The trade by either number (trade_no first, as Alipay), closed first if its
        time to pay has run out — Alipay closes unpaid trades on time, lazily is enough."""
        column, value = ((trades.c.trade_no, trade_no) if trade_no
                         else (trades.c.out_trade_no, out_trade_no))
        with self.engine.begin() as db:
            db.execute(trades.update().where(
                column == value, trades.c.status == WAIT, trades.c.expires_at.is_not(None),
                trades.c.expires_at <= now).values(status=CLOSED, gmt_close=trades.c.expires_at))
            return _row(db.execute(trades.select().where(column == value)).first())

    def pay(self, trade_no, status, now):
        """The trade, now `status`, if it was waiting for payment and in time; else None."""
        with self.engine.begin() as db:
            changed = db.execute(trades.update().where(
                trades.c.trade_no == trade_no, trades.c.status == WAIT,
                sa.or_(trades.c.expires_at.is_(None), trades.c.expires_at > now)).values(
                status=status, gmt_payment=now,
                gmt_close=now if status == FINISHED else None)).rowcount
            if not changed:
                return None
            return _row(db.execute(trades.select().where(trades.c.trade_no == trade_no)).first())

    def close(self, trade_no, now):
        """Whether the waiting trade was closed now."""
        with self.engine.begin() as db:
            return bool(db.execute(trades.update().where(
                trades.c.trade_no == trade_no, trades.c.status == WAIT).values(
                status=CLOSED, gmt_close=now)).rowcount)

    def refund(self, trade_no, out_request_no, refund_fen, reason, now):
        """(outcome, trade, refund row) — outcome one of "refunded", "repeated" (the same
        request again), "mismatch" (same request number, another amount), "status" (not
        refundable in its state), "excess" (more than is left)."""
        with self.engine.begin() as db:
            trade = _row(db.execute(trades.select().where(trades.c.trade_no == trade_no)).first())
            earlier = _row(db.execute(refunds.select().where(
                refunds.c.trade_no == trade_no,
                refunds.c.out_request_no == out_request_no)).first())
            # A repeat is answered before the state check: a full refund closes the trade,
            # and its retry must still get the same answer.
            if earlier:
                same = earlier["refund_fen"] == refund_fen
                return ("repeated" if same else "mismatch"), trade, earlier
            if trade["status"] != SUCCESS:
                return "status", trade, None
            if trade["refunded_fen"] + refund_fen > trade["total_fen"]:
                return "excess", trade, None
            row = {"trade_no": trade_no, "out_request_no": out_request_no,
                   "refund_fen": refund_fen, "reason": reason, "gmt_refund_pay": now}
            db.execute(refunds.insert().values(**row))
            refunded = trade["refunded_fen"] + refund_fen
            full = refunded == trade["total_fen"]
            db.execute(trades.update().where(trades.c.trade_no == trade_no).values(
                refunded_fen=refunded, status=CLOSED if full else SUCCESS,
                gmt_close=now if full else None))
            trade = _row(db.execute(trades.select().where(trades.c.trade_no == trade_no)).first())
            return "refunded", trade, row

    # --- notifications ----------------------------------------------------------------

    def add_notification(self, params, notify_url, now):
        with self.engine.begin() as db:
            db.execute(notifications.insert().values(
                notify_id=params["notify_id"], trade_no=params["trade_no"],
                trade_status=params["trade_status"], notify_url=notify_url,
                params=json.dumps(params, ensure_ascii=False), created_at=now))

    def record_attempt(self, notify_id, at, http_status, excerpt, acknowledged, now):
        with self.engine.begin() as db:
            db.execute(attempts.insert().values(
                notify_id=notify_id, at=at, http_status=http_status, excerpt=excerpt,
                acknowledged=acknowledged))
            if acknowledged:
                db.execute(notifications.update().where(
                    notifications.c.notify_id == notify_id,
                    notifications.c.acknowledged_at.is_(None)).values(acknowledged_at=now))

    def acknowledged(self, notify_id):
        with self.engine.begin() as db:
            return db.execute(sa.select(notifications.c.acknowledged_at).where(
                notifications.c.notify_id == notify_id)).scalar() is not None

    def attempts(self, notify_id):
        with self.engine.begin() as db:
            return [_row(row) for row in db.execute(attempts.select().where(
                attempts.c.notify_id == notify_id).order_by(attempts.c.id))]

    def overview(self, limit=200):
        """The latest trades, each with its refunds and notifications (with attempts)."""
        with self.engine.begin() as db:
            rows = [_row(row) for row in db.execute(trades.select().order_by(
                trades.c.gmt_create.desc(), trades.c.trade_no.desc()).limit(limit))]
            numbers = [row["trade_no"] for row in rows]
            sent = [_row(row) for row in db.execute(notifications.select().where(
                notifications.c.trade_no.in_(numbers)).order_by(notifications.c.created_at))]
            tries = [_row(row) for row in db.execute(attempts.select().where(
                attempts.c.notify_id.in_([n["notify_id"] for n in sent])).order_by(
                attempts.c.id))]
            paid_back = [_row(row) for row in db.execute(refunds.select().where(
                refunds.c.trade_no.in_(numbers)).order_by(refunds.c.gmt_refund_pay))]
        for note in sent:
            note["attempts"] = [a for a in tries if a["notify_id"] == note["notify_id"]]
        for row in rows:
            row["notifications"] = [n for n in sent if n["trade_no"] == row["trade_no"]]
            row["refunds"] = [r for r in paid_back if r["trade_no"] == row["trade_no"]]
        return rows
