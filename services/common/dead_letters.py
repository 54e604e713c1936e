"""Dead letters: events a handler could not apply after its retries (or that exceeded
the delivery limit: redelivered that often, never settled), kept in `<service>.dead` with where they came from.

    python -m services.common.dead_letters list identity
    python -m services.common.dead_letters replay identity [--queue Q] [--limit N]

`replay` puts each dead letter back on the queue it came from, as a first attempt, and
removes it from the dead letters only once the broker confirmed the republish; the
handler's inbox makes a replayed event that was in fact applied change nothing. Fix the
cause first (a bug, a missing row): a replayed event that fails again goes through its
retries and back to the dead letters.
"""
import argparse
import json
import sys

from kombu import Connection
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT

from . import topology
from .settings import amqp_uri


def original_queue(message):
    headers = message.headers or {}
    if headers.get("x-original-queue"):
        return headers["x-original-queue"]
    deaths = headers.get("x-death") or []
    # Dead-lettered by the broker (an ops policy such as max-length): x-death names it.
    return deaths[0].get("queue") if deaths else None


def describe(message):
    headers = message.headers or {}
    envelope = message.payload if isinstance(message.payload, dict) else {}
    return {"queue": original_queue(message), "event_id": envelope.get("id"),
            "type": envelope.get("type"), "attempts": headers.get("x-attempts"),
            "error": headers.get("x-error"), "redeliveries": headers.get("x-redeliveries")}


def _each(uri, service, handle, limit=None):
    """Fetch dead letters one at a time; `handle(message)` returns True to remove it.
    Those kept are returned to the queue when the channel closes."""
    queue = topology.dead_letter_queue(service)
    seen = 0
    with Connection(uri, connect_timeout=10) as connection:
        channel = connection.channel()
        bound = queue(channel)
        bound.declare()
        while limit is None or seen < limit:
            message = bound.get(no_ack=False)
            if message is None:
                break
            seen += 1
            if handle(message):
                message.ack()
        channel.close()
    return seen


def list_dead(uri, service, limit=None):
    found = []

    def keep(message):
        found.append(describe(message))
        return False
    _each(uri, service, keep, limit)
    return found


def replay(uri, service, queue_name=None, limit=None):
    """Returns the dead letters put back, as describe() shows them."""
    publisher = Publisher(uri, use_confirms=True, delivery_mode=PERSISTENT, retry=False,
                          mandatory=True)
    replayed = []

    def put_back(message):
        target = original_queue(message)
        if target is None or (queue_name and target != queue_name):
            return False
        headers = {k: v for k, v in (message.headers or {}).items()
                   if k not in ("x-attempts", "x-error", "x-redeliveries", "x-death", "x-first-death-exchange",
                                "x-first-death-queue", "x-first-death-reason")}
        headers["x-replayed"] = int((message.headers or {}).get("x-replayed", 0)) + 1
        publisher.publish(message.payload, exchange="", routing_key=target, headers=headers)
        replayed.append(describe(message))
        return True
    _each(uri, service, put_back, limit)
    return replayed


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m services.common.dead_letters")
    parser.add_argument("command", choices=("list", "replay"))
    parser.add_argument("service")
    parser.add_argument("--queue", help="replay only dead letters from this queue")
    parser.add_argument("--limit", type=int, help="at most this many")
    args = parser.parse_args(argv)
    if args.command == "list":
        items = list_dead(amqp_uri(), args.service, args.limit)
    else:
        items = replay(amqp_uri(), args.service, args.queue, args.limit)
    for item in items:
        print(json.dumps(item, ensure_ascii=False))
    print(f"{len(items)} dead letter(s) {'listed' if args.command == 'list' else 'replayed'}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
