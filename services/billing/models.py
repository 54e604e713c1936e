"""billing's tables. Only this service reads or writes them.

Money is integer fen in every column (never floats, never yuan). A learner's balance is
a ledger: `ledger_entries` are never updated or deleted, `accounts` holds the running
balance per pocket with a CHECK that it never goes below zero, and both change in the
transaction that moves the money. Restricted money (a learning card for one year's
plans) sits in its own pocket, so it can only pay what the card allows."""
from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, Column, Date, DateTime,
                        ForeignKey, Index, Integer, Numeric, String, Table, Text,
                        UniqueConstraint, text)

from services.common.db import BigId, inbox_table, outbox_table, service_metadata
from services.common.jobs import jobs_table

metadata = service_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
jobs = jobs_table(metadata)

Hours = Numeric(6, 1)

# Who the learners are, kept from identity's events (user_registered, user_updated): so
# the operator finds orders by username and name, without asking identity per row.
learners = Table(
    "learners", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("username", String(64)),
    Column("real_name", String(50)),
    Column("version", BigInteger, nullable=False, server_default="0"),
)
Index("ix_billing_learners_username", learners.c.username)

# 购物车: an elective of an activated plan, or a plan's flat fee (course_id 0). Prices are
# not kept here: the cart shows learning's quote of the moment, and checkout re-quotes.
cart_items = Table(
    "cart_items", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, nullable=False),
    Column("plan_id", Integer, nullable=False),
    Column("course_id", Integer, nullable=False),  # 0: the plan's flat fee
    Column("added_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "plan_id", "course_id"),
)

orders = Table(
    "orders", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("order_no", String(40), nullable=False, unique=True),
    # purchase: courses of a plan | recharge: money into the balance (plan_id 0, no plan)
    Column("kind", String(10), nullable=False, server_default="purchase"),
    Column("user_id", BigId, nullable=False),
    Column("plan_id", Integer, nullable=False),
    Column("plan_name", String(120), nullable=False),
    Column("plan_year", Integer, nullable=False),
    Column("plan_kind", String(20), nullable=False),
    Column("cards_allowed", Boolean, nullable=False),
    Column("total_fen", BigInteger, nullable=False),
    Column("refunded_fen", BigInteger, nullable=False, server_default="0"),
    # unpaid | paid | closed | partially_refunded | refunded
    Column("status", String(20), nullable=False),
    Column("channel", String(10)),           # alipay | bank | balance, once paid
    Column("trade_no", String(64)),          # the provider's number of the paying payment
    Column("tried_channel", String(10)),     # last channel sent to (reconciliation asks it)
    Column("reconciled_at", DateTime(timezone=True)),  # last asked of the provider
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),  # unpaid orders close
    Column("paid_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("close_reason", String(20)),      # timeout | deleted
    Column("deleted", Boolean, nullable=False, server_default="0"),  # hidden from 我的订单
    Column("pay_deadline", String(10), nullable=False),  # the plan's, ISO date
    CheckConstraint("total_fen >= 0 AND refunded_fen >= 0 AND refunded_fen <= total_fen",
                    name="order_money"),
)
Index("ix_orders_user_created", orders.c.user_id, orders.c.created_at)
Index("ix_orders_status_expires", orders.c.status, orders.c.expires_at)

order_lines = Table(
    "order_lines", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("order_id", BigId, ForeignKey("orders.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # course | plan_fee
    Column("course_id", Integer),
    Column("title", String(200), nullable=False),
    Column("hours", Hours),
    Column("price_fen", BigInteger, nullable=False),
    Column("refunded", Boolean, nullable=False, server_default="0"),
    CheckConstraint("price_fen >= 0", name="line_price"),
)
Index("ix_order_lines_order", order_lines.c.order_id)

# Every notification a provider sent, kept before anything is decided on it — the raw
# body as received, what it was taken to mean, and what came of it.
notifications = Table(
    "notifications", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("channel", String(10), nullable=False),  # alipay | bank
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("raw", Text, nullable=False),
    Column("order_no", String(64)),
    Column("trade_no", String(64)),
    Column("genuine", Boolean, nullable=False),
    Column("outcome", String(20)),  # settlement's outcome, or unknown_order / forged
    Column("detail", String(200)),
)
Index("ix_notifications_order_no", notifications.c.order_no)

# Money that arrived from a provider (or the balance), one row per provider payment:
# the unique (channel, trade_no) is what makes a notification apply once.
payments = Table(
    "payments", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("order_id", BigId, ForeignKey("orders.id"), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("trade_no", String(64), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    # applied: it paid the order | refund_due: a second or late payment, to be returned |
    # returned | return_failed (the provider refused: the operator's to settle)
    Column("status", String(14), nullable=False),
    UniqueConstraint("channel", "trade_no"),
)

# 余额: one row per learner and pocket ("general", or a card's restriction such as
# "year:2018" / "kind:public"), the running balance; never below zero.
accounts = Table(
    "accounts", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("pocket", String(40), primary_key=True),
    Column("balance_fen", BigInteger, nullable=False),
    CheckConstraint("balance_fen >= 0", name="balance_not_negative"),
)

ledger_entries = Table(
    "ledger_entries", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, nullable=False),
    Column("pocket", String(40), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),  # + in, - out
    Column("balance_after_fen", BigInteger, nullable=False),
    Column("kind", String(12), nullable=False),  # recharge | card | order | refund
    Column("reference", String(64), nullable=False),  # order / recharge / card number
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "pocket", "kind", "reference"),
)
Index("ix_ledger_user_created", ledger_entries.c.user_id, ledger_entries.c.created_at)

refunds = Table(
    "refunds", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("refund_no", String(40), nullable=False, unique=True),
    Column("request_id", String(64), nullable=False, unique=True),  # the caller's, reused on retries
    Column("order_id", BigId, ForeignKey("orders.id"), nullable=False),
    Column("payment_id", BigId, ForeignKey("payments.id")),
    Column("amount_fen", BigInteger, nullable=False),
    Column("course_ids", JSON, nullable=False),
    Column("reason", String(200)),
    Column("status", String(12), nullable=False),  # pending | done | failed
    Column("requested_by", BigId),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("done_at", DateTime(timezone=True)),
    CheckConstraint("amount_fen > 0", name="refund_positive"),
)


# 学习卡: batches an operator issues (face value, restriction, validity), their cards
# (passwords only as Argon2 hashes: the plaintext exists once, in the batch's .xlsx for
# printing), and every redemption attempt (for the wrong-password limit).
card_batches = Table(
    "card_batches", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(60), nullable=False),
    Column("face_fen", BigInteger, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("plan_year", Integer),    # only plans of this year
    Column("plan_kind", String(20)),  # only plans of this kind
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("status", String(12), nullable=False),  # issuing | issued | failed
    Column("job_id", BigId),
    Column("export_key", String(200)),  # the .xlsx of numbers and passwords
    Column("created_by", BigId),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("face_fen > 0 AND quantity > 0", name="batch_positive"),
)

cards = Table(
    "cards", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("card_batches.id"), nullable=False),
    Column("card_no", String(20), nullable=False, unique=True),
    Column("password_hash", String(128), nullable=False),
    Column("status", String(10), nullable=False),  # unsold | sold | redeemed | void
    Column("sold_at", DateTime(timezone=True)),
    Column("redeemed_by", BigId),
    Column("redeemed_at", DateTime(timezone=True)),
)
Index("ix_cards_batch_status", cards.c.batch_id, cards.c.status)

card_attempts = Table(
    "card_attempts", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("succeeded", Boolean, nullable=False),
)
Index("ix_card_attempts_user_at", card_attempts.c.user_id, card_attempts.c.at)


# 发票: a request covers paid orders — one learner's, or (a company's batch request) many
# learners' — each order on at most one live request; the operator issues it with the
# invoice number and the electronic invoice file, or rejects it with a reason.
invoices = Table(
    "invoices", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("request_no", String(40), nullable=False, unique=True),
    Column("kind", String(12), nullable=False),        # ordinary 普通发票 | special 增值税专用发票
    Column("title_type", String(10), nullable=False),  # personal 个人 | company 单位
    Column("title", String(100), nullable=False),
    Column("tax_no", String(20)),                      # 统一社会信用代码 / 纳税人识别号
    Column("email", String(120)),
    Column("address_phone", String(200)),              # special: 地址、电话
    Column("bank_account", String(200)),               # special: 开户行及账号
    Column("amount_fen", BigInteger, nullable=False),
    Column("requested_by", BigId, nullable=False),
    Column("batch", Boolean, nullable=False, server_default="0"),  # a company's batch request
    Column("status", String(10), nullable=False),      # requested | issued | rejected
    Column("invoice_no", String(40)),
    Column("file_key", String(200)),
    Column("reject_reason", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    CheckConstraint("amount_fen > 0", name="invoice_positive"),
)
Index("ix_invoices_requested_by", invoices.c.requested_by)
Index("ix_invoices_status", invoices.c.status)

invoice_orders = Table(
    "invoice_orders", metadata,
    Column("invoice_id", BigId, ForeignKey("invoices.id"), primary_key=True),
    Column("order_id", BigId, ForeignKey("orders.id"), primary_key=True),
    Column("live", Boolean, nullable=False),  # false once the invoice is rejected
)
# An order is on at most one live invoice request.
Index("ux_invoice_orders_live", invoice_orders.c.order_id, unique=True,
      postgresql_where=text("live"), sqlite_where=text("live"))
