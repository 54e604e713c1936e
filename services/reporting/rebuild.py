"""Rebuilds reporting's read models from history:

    python -m services.reporting.rebuild --target postgresql://…/reporting_new

Every producer's published events (its `replay_events` RPC: position order, a page at a
time) go through the same projections as the live feed, into a fresh database (migrated
first) — while reporting keeps answering from its own. Then ops point
REPORTING_DATABASE_URL at the rebuilt database and restart reporting; running the rebuild
once more against it picks up what the old database alone saw during the switch (every
event is applied once: the inbox makes the overlap harmless, and the projections
converge whatever the order)."""
import argparse
import logging
import time

from nameko.standalone.rpc import ClusterRpcProxy

from services.common.migrations import upgrade
from services.common.scripting import UnitOfWorkFactory
from services.common.settings import amqp_uri

from . import projections
from .models import inbox, outbox

log = logging.getLogger(__name__)
PRODUCERS = ("orgtree", "identity", "learning", "exam", "billing")
PAGE = 5000


def rebuild(db, rpc, producers=PRODUCERS, page=PAGE):
    """Replays `producers`' histories into `db`; returns {producer: events applied}. The
    next page is asked for before the current one is applied, so the producer reads
    while reporting writes."""
    applied = {}
    for producer in producers:
        replay = getattr(rpc, producer).replay_events
        count, rows = 0, replay(0, page)
        while rows:
            following = replay.call_async(rows[-1]["position"], page)
            wanted = [r["envelope"] for r in rows
                      if (r["envelope"]["producer"], r["envelope"]["type"]) in
                      projections.HANDLERS]
            with db() as uow:
                count += projections.apply(uow, wanted, live=False)
                uow.commit()
            rows = following.result()
        applied[producer] = count
    return applied


def main(argv=None):
    parser = argparse.ArgumentParser(description="Rebuild reporting's read models")
    parser.add_argument("--target", required=True, help="the fresh database's URL")
    parser.add_argument("--producers", default=",".join(PRODUCERS),
                        help="whose histories to replay (default: all, in this order)")
    args = parser.parse_args(argv)
    upgrade("reporting", args.target)
    db = UnitOfWorkFactory("reporting", outbox, inbox, url=args.target)
    started = time.monotonic()
    with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, timeout=60) as rpc:
        applied = rebuild(db, rpc, producers=args.producers.split(","))
    took = time.monotonic() - started
    total = sum(applied.values())
    print(f"rebuilt from {total} events in {took:.1f} s ({total / max(took, 1e-9):.0f}/s): "
          + ", ".join(f"{p} {n}" for p, n in applied.items()))


if __name__ == "__main__":
    logging.basicConfig(level="INFO")
    main()
