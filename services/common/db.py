"""SQLAlchemy engine, the outbox and inbox tables, and the unit of work."""
import json
import logging

from sqlalchemy import (BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table,
                        Text, create_engine, event, insert, select)
from sqlalchemy.dialects import postgresql, sqlite
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
    """Events written in the same transaction as the change they describe, each with its
    aggregate's version. The relay gives each row a `position` when the broker has
    confirmed it: positions grow in the order rows become visible, so a replay cursor
    over them never skips a row that committed late. Rows are kept for replay."""
    table = Table(
        "outbox", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(64), nullable=False),
        Column("aggregate_type", String(32), nullable=False),
        Column("aggregate_id", String(64), nullable=False),
        Column("aggregate_version", BigInteger, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("envelope", Text, nullable=False),
        Column("position", BigInteger, nullable=True, unique=True),
        Column("published_at", DateTime(timezone=True), nullable=True),
    )
    Index("ix_outbox_unpublished", table.c.id,
          postgresql_where=table.c.position.is_(None),
          sqlite_where=table.c.position.is_(None))
    if "aggregate_versions" not in metadata.tables:
        aggregate_versions_table(metadata)
    return table


def aggregate_versions_table(metadata):
    """Each aggregate's last version. Bumping it locks the row until commit, so two
    transactions about one aggregate commit their events in version order."""
    return Table(
        "aggregate_versions", metadata,
        Column("aggregate_type", String(32), primary_key=True),
        Column("aggregate_id", String(64), primary_key=True),
        Column("version", BigInteger, nullable=False),
    )


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
        return self.add_events(event_type, [payload])[0]

    def add_events(self, event_type, payloads):
        """Write events to the outbox, each with its aggregate's next version; many of one
        type go in one statement each for versions and rows (bulk work such as imports)."""
        now = self.clock.now()
        drafts = [make_envelope(self.producer, event_type, p, now) for p in payloads]
        if not drafts:
            return []
        aggregates = [(d["aggregate"]["type"], d["aggregate"]["id"]) for d in drafts]
        versions = next_versions(self.session, self.outbox.metadata.tables["aggregate_versions"],
                                 aggregates)
        rows = []
        for draft, version in zip(drafts, versions, strict=True):
            draft["aggregate"]["version"] = version
            rows.append({"event_id": draft["id"], "event_type": event_type,
                         "aggregate_type": draft["aggregate"]["type"],
                         "aggregate_id": draft["aggregate"]["id"], "aggregate_version": version,
                         "occurred_at": now,
                         "envelope": json.dumps(draft, ensure_ascii=False)})
        self.session.execute(insert(self.outbox), rows)
        self._pending_events += len(rows)
        return drafts

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


def next_versions(session, versions, aggregates):
    """Bump each aggregate's version (an aggregate may appear more than once) and return
    the new versions in the order asked. One upsert per distinct aggregate: INSERT ... ON
    CONFLICT DO UPDATE ... RETURNING on PostgreSQL and SQLite alike."""
    dialect = session.get_bind().dialect.name
    make_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    counts = {}
    for key in aggregates:
        counts[key] = counts.get(key, 0) + 1
    latest = {}
    # Sorted, so that two transactions bumping the same aggregates lock them in one order.
    for (agg_type, agg_id), n in sorted(counts.items()):
        stmt = make_insert(versions).values(aggregate_type=agg_type, aggregate_id=agg_id,
                                            version=n)
        stmt = stmt.on_conflict_do_update(
            index_elements=[versions.c.aggregate_type, versions.c.aggregate_id],
            set_={"version": versions.c.version + n}).returning(versions.c.version)
        latest[(agg_type, agg_id)] = session.execute(stmt).scalar_one()
    # Hand out each aggregate's new versions in the order its events were given.
    handed = {key: latest[key] - counts[key] for key in counts}
    result = []
    for key in aggregates:
        handed[key] += 1
        result.append(handed[key])
    return result


def upsert_rows(session, table, rows, add=()):
    """Writes `rows` (every column) into `table`: INSERT ... ON CONFLICT (primary key) DO
    UPDATE, on PostgreSQL and SQLite alike, sent as multi-row statements. Columns named in
    `add` are added to what the row holds (counters); the others are replaced."""
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    names = [c.name for c in table.columns if c.name not in keys]
    if session.get_bind().dialect.name == "postgresql":
        _upsert_postgresql(session, table, rows, keys, names, add)
        return
    stmt = sqlite.insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={
        name: (table.c[name] + stmt.excluded[name]) if name in add else stmt.excluded[name]
        for name in names})
    session.execute(stmt, rows)


def _upsert_postgresql(session, table, rows, keys, names, add):
    """psycopg2's execute_values: the rows go as pages of one VALUES list each, with none
    of SQLAlchemy's per-row parameter processing — a read model's batch writes tens of
    thousands of rows a second this way (its executemany would send them one by one)."""
    from psycopg2.extras import execute_values
    quote = session.get_bind().dialect.identifier_preparer.quote
    columns = keys + names
    updates = ", ".join(
        f"{quote(n)} = {quote(table.name)}.{quote(n)} + EXCLUDED.{quote(n)}" if n in add
        else f"{quote(n)} = EXCLUDED.{quote(n)}" for n in names)
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES %s ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {updates}")
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        execute_values(cursor, sql, [tuple(row[c] for c in columns) for row in rows],
                       page_size=1000)
    finally:
        cursor.close()


def replay_events(engine, outbox, after_position, limit):
    """Published envelopes with their position, in position order, for rebuilding read
    models: page on with the last position returned. A row gets its position when the
    relay publishes it, in the order rows became visible, so no late commit is skipped."""
    limit = max(1, min(int(limit), 5000))
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.position, outbox.c.envelope)
            .where(outbox.c.position > int(after_position)).order_by(outbox.c.position)
            .limit(limit)
        ).all()
    return [{"position": row.position, "envelope": json.loads(row.envelope)} for row in rows]


def session_factory(engine):
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
