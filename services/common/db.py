"""SQLAlchemy engine, the outbox and inbox tables, and the unit of work."""
import json
import logging

from sqlalchemy import (BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table,
                        Text, create_engine, event, insert, select)
from sqlalchemy.orm import sessionmaker

from .events import make_envelope

log = logging.getLogger(__name__)

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a real bigint.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def make_engine(url, **kwargs):
    # psycopg2 is the driver psycogreen makes cooperative under eventlet; SQLAlchemy 2.1
    # would pick psycopg 3 for a bare postgresql:// URL.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg2://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def service_metadata():
    """A MetaData whose constraint names are stable, so Alembic can alter them later."""
    return MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s"})


def outbox_table(metadata):
    """Events written in the same transaction as the change they describe.
    Rows are kept after publishing so consumers can replay them."""
    table = Table(
        "outbox", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(64), nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("envelope", Text, nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
    )
    Index("ix_outbox_unpublished", table.c.id,
          postgresql_where=table.c.published_at.is_(None),
          sqlite_where=table.c.published_at.is_(None))
    return table


def inbox_table(metadata):
    """Ids of the events a consumer has applied, so a redelivery changes nothing."""
    return Table(
        "inbox", metadata,
        Column("event_id", String(36), primary_key=True),
        Column("handler", String(128), primary_key=True),
        Column("event_type", String(64), nullable=False),
        Column("applied_at", DateTime(timezone=True), nullable=False),
    )


class UnitOfWork:
    """One database transaction. Rolls back unless `commit()` is called; events added
    with `add_event` are written to the outbox inside the same transaction."""

    def __init__(self, session_factory, producer, outbox, inbox, clock, on_events=None):
        self._session_factory = session_factory
        self.producer = producer
        self.outbox = outbox
        self.inbox = inbox
        self.clock = clock
        self._on_events = on_events
        self.session = None
        self._pending_events = 0

    def __enter__(self):
        self.session = self._session_factory()
        self._pending_events = 0
        return self

    def __exit__(self, *exc_info):
        self.rollback()
        self.session.close()

    def commit(self):
        self.session.commit()
        if self._pending_events and self._on_events:
            self._on_events()
        self._pending_events = 0

    def rollback(self):
        self.session.rollback()
        self._pending_events = 0

    def add_event(self, event_type, payload):
        envelope = make_envelope(self.producer, event_type, payload, self.clock.now())
        self.session.execute(insert(self.outbox).values(
            event_id=envelope["id"], event_type=event_type, occurred_at=self.clock.now(),
            envelope=json.dumps(envelope, ensure_ascii=False)))
        self._pending_events += 1
        return envelope

    def add_events(self, event_type, payloads):
        """Many events of one type in one statement (bulk work such as imports)."""
        now = self.clock.now()
        rows = []
        for payload in payloads:
            envelope = make_envelope(self.producer, event_type, payload, now)
            rows.append({"event_id": envelope["id"], "event_type": event_type,
                         "occurred_at": now,
                         "envelope": json.dumps(envelope, ensure_ascii=False)})
        if rows:
            self.session.execute(insert(self.outbox), rows)
            self._pending_events += len(rows)

    def claim_event(self, envelope, handler):
        """Record that `handler` applies this event; False if it already has.
        A concurrent duplicate is caught by the primary key at commit time."""
        seen = self.session.execute(
            select(self.inbox.c.event_id).where(self.inbox.c.event_id == envelope["id"],
                                                self.inbox.c.handler == handler)
        ).first()
        if seen:
            return False
        self.session.execute(insert(self.inbox).values(
            event_id=envelope["id"], event_type=envelope["type"], handler=handler,
            applied_at=self.clock.now()))
        return True


def replay_events(engine, outbox, after_id, limit):
    """Envelopes with their outbox position, oldest first, for rebuilding read models."""
    limit = max(1, min(int(limit), 1000))
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.id, outbox.c.envelope)
            .where(outbox.c.id > int(after_id)).order_by(outbox.c.id).limit(limit)
        ).all()
    return [{"position": row.id, "envelope": json.loads(row.envelope)} for row in rows]


def session_factory(engine):
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
