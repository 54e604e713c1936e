"""reporting's read-model lag under a load (issue 11: p99 ≤ 5 s under the heartbeat
benchmark's load), from its own figures: `feed_status` counts every live event by how
late it was applied (applied − occurred: within 1 s, 5 s, 60 s, later).

    python benchmarks/reporting_lag.py snapshot FILE     before the load
    python benchmarks/reporting_lag.py report FILE       after it: the events of the load

Prints per producer the events applied meanwhile, how they spread over the buckets and
the share applied within 5 s (p99 ≤ 5 s holds when that share is ≥ 99%)."""
import json
import sys
import time

from nameko.standalone.rpc import ClusterRpcProxy

from services.common.settings import amqp_uri

BUCKETS = ("lag_within_1s", "lag_within_5s", "lag_within_60s", "lag_over_60s")


def status():
    with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, timeout=30) as rpc:
        return rpc.reporting.feed_status()


def main(step, path):
    if step == "snapshot":
        with open(path, "w") as f:
            json.dump(status(), f)
        return
    with open(path) as f:
        before = json.load(f)
    time.sleep(10)  # what the load published is applied (or counted late)
    after = status()
    for producer, now in sorted(after.items()):
        was = (before.get(producer) or {}).get("lag_buckets") or {}
        spread = {b: now["lag_buckets"][b] - was.get(b, 0) for b in BUCKETS}
        total = sum(spread.values())
        if not total:
            continue
        within = (spread["lag_within_1s"] + spread["lag_within_5s"]) / total
        print(f"  reporting lag, {producer}: {total:,} events applied during the load — "
              f"≤1 s {spread['lag_within_1s']:,}, ≤5 s {spread['lag_within_5s']:,}, "
              f"≤60 s {spread['lag_within_60s']:,}, later {spread['lag_over_60s']:,}: "
              f"{within:.2%} within 5 s (p99 ≤ 5 s needs ≥ 99%)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
