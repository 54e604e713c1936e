"""Alipay's notifications through the gateway at a constant rate (issue 9).

    python benchmarks/alipay_notify_load.py BASE_URL [orders_per_second] [seconds]

Setup (in the services' databases, as the scale generators do): this year's public plan
of the demo data, `rate × seconds` learners who activated it, and for each an unpaid
order of one elective in billing. Every notification is signed beforehand as Alipay
signs it (RSA2 with the sandbox's Alipay key, which billing trusts in the run command).

Then, for `rate` orders a second: each order's three notifications — TRADE_SUCCESS twice
and TRADE_FINISHED once, in random order — sent at the same moment on separate
connections, so they race. Latency is measured from each notification's scheduled time.
Afterwards: every order paid exactly once (one payment row, one order_paid event), every
reply `success`. Prints the setup, the rate achieved, reply p50/p90/p99/max, errors, and
where a notification's time goes (signature check, RPC round trip, the rest: billing's
transaction and queueing), measured on this machine."""
import asyncio
import gc
import os
import random
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode, urlparse

from sqlalchemy import func, insert, select

from services.billing import alipay_signing
from services.billing import models as billing
from services.common.scripting import UnitOfWorkFactory
from services.common.settings import var_dir
from services.learning import models as learning
from services.learning.domain.calendar import shanghai_today

USER_BASE = 20_000_000
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "96"))
APP_ID, SELLER_ID = "2021000000000001", "2088000000000001"


def setup(n):
    learn = UnitOfWorkFactory("learning", learning.outbox, learning.inbox)
    bill = UnitOfWorkFactory("billing", billing.outbox, billing.inbox)
    now = datetime.now(timezone.utc)
    today = shanghai_today(now)
    with learn() as uow:
        s = uow.session
        plan = s.execute(select(learning.plans).where(
            learning.plans.c.year == today.year, learning.plans.c.kind == "public",
            learning.plans.c.makeup.is_(False))).mappings().first()
        elective = s.execute(select(learning.plan_courses.c.course_id).where(
            learning.plan_courses.c.plan_id == plan["id"],
            learning.plan_courses.c.kind == "elective")).scalar()
        base = USER_BASE + s.execute(select(func.count()).select_from(learning.enrolments)
                                     ).scalar()
        users = [base + i for i in range(n)]
        s.execute(insert(learning.enrolments), [
            {"plan_id": plan["id"], "user_id": u, "org_id": None, "status": "learning",
             "activated_at": now} for u in users])
        uow.commit()
    numbers = [f"BN{uuid.uuid4().hex[:20].upper()}" for _ in users]
    with bill() as uow:
        s = uow.session
        s.execute(insert(billing.orders), [
            {"order_no": no, "user_id": u, "plan_id": plan["id"], "plan_name": plan["name"],
             "plan_year": plan["year"], "plan_kind": "public", "cards_allowed": True,
             "total_fen": 2000, "status": "unpaid", "created_at": now,
             "expires_at": now + timedelta(hours=2), "pay_deadline": today.isoformat(),
             "tried_channel": "alipay"} for no, u in zip(numbers, users, strict=True)])
        ids = dict(s.execute(select(billing.orders.c.order_no, billing.orders.c.id).where(
            billing.orders.c.order_no.in_(numbers))).all())
        s.execute(insert(billing.order_lines), [
            {"order_id": ids[no], "kind": "course", "course_id": elective, "title": "选修课",
             "hours": "4.0", "price_fen": 2000} for no in numbers])
        uow.commit()
    return bill, numbers


def signed(key, order_no, status, n):
    params = {"notify_time": "2026-12-01 14:10:49", "notify_type": "trade_status_sync",
              "notify_id": uuid.uuid4().hex, "app_id": APP_ID, "charset": "utf-8",
              "version": "1.0", "trade_no": f"2026120122001{n:015d}", "out_trade_no": order_no,
              "seller_id": SELLER_ID, "total_amount": "20.00", "receipt_amount": "20.00",
              "subject": "公需科目", "trade_status": status,
              "gmt_create": "2026-12-01 14:10:44", "gmt_payment": "2026-12-01 14:10:47"}
    params["sign_type"] = "RSA2"
    params["sign"] = alipay_signing.sign(alipay_signing.notification_content(params), key)
    return urlencode(params).encode()


def request_bytes(host, body):
    return (f"POST /api/v1/payments/alipay/notify HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def connection(host, port, queue, results):
    reader, writer = await asyncio.open_connection(host, port)
    while True:
        item = await queue.get()
        if item is None:
            writer.close()
            return
        scheduled, payload = item
        writer.write(payload)
        status_line = await reader.readline()
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await reader.readexactly(length) if length else b""
        results.append((time.monotonic() - scheduled, int(status_line[9:12] or 0),
                        body.strip()))


async def load(base, bodies, rate):
    url = urlparse(base)
    queue, results = asyncio.Queue(), []
    workers = [asyncio.create_task(connection(url.hostname, url.port, queue, results))
               for _ in range(CONNECTIONS)]
    start = time.monotonic() + 0.5
    for n, triple in enumerate(bodies):
        due = start + n / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        for body in triple:
            queue.put_nowait((due, request_bytes(url.netloc, body)))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return results, time.monotonic() - start


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def breakdown(key, public, sample):
    t = time.perf_counter()
    for body in sample:
        params = dict(pair.split("=", 1) for pair in body.decode().split("&"))
        from urllib.parse import unquote_plus
        params = {k: unquote_plus(v) for k, v in params.items()}
        alipay_signing.notification_is_genuine(params, public)
    verify_ms = (time.perf_counter() - t) * 1000 / len(sample)
    from nameko.standalone.rpc import ClusterRpcProxy

    from services.common.settings import amqp_uri
    with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, timeout=10) as rpc:
        rpc.billing.ping()
        t = time.perf_counter()
        for _ in range(200):
            rpc.billing.ping()
        rpc_ms = (time.perf_counter() - t) * 1000 / 200
    return verify_ms, rpc_ms


def main():
    base = sys.argv[1]
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 100
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 120
    n = int(rate * seconds)
    t = time.monotonic()
    bill, numbers = setup(n)
    keys = var_dir() / "keys"
    key = alipay_signing.load_private_key(Path(keys / "alipay_sandbox_private.pem").read_bytes())
    public = alipay_signing.load_public_key(Path(keys / "alipay_sandbox_public.pem").read_bytes())
    bodies = []
    for i, no in enumerate(numbers):
        triple = [signed(key, no, s, i) for s in ("TRADE_SUCCESS", "TRADE_SUCCESS",
                                                   "TRADE_FINISHED")]
        random.shuffle(triple)
        bodies.append(triple)
    print(f"  setup: {n} learners enrolled, {n} unpaid orders, {3 * n} notifications "
          f"signed ({time.monotonic() - t:.1f} s); {CONNECTIONS} keep-alive connections")
    gc.collect()
    gc.freeze()
    gc.disable()
    cpu_before = os.times()
    results, elapsed = asyncio.run(load(base, bodies, rate))
    cpu = os.times()
    gc.enable()
    latencies = [r[0] * 1000 for r in results]
    replies = Counter((r[1], r[2].decode(errors="replace")) for r in results)
    print(f"  sent {len(results)} notifications for {n} orders in {elapsed:.1f} s = "
          f"{n / elapsed:.0f} orders/s, {len(results) / elapsed:.0f} notifications/s "
          f"(target {rate:.0f} orders/s, each notified 3× at once, for {seconds:.0f} s)")
    print(f"  reply latency from the scheduled time: p50 {percentile(latencies, .5):.1f} ms, "
          f"p90 {percentile(latencies, .9):.1f} ms, p99 {percentile(latencies, .99):.1f} ms, "
          f"max {max(latencies):.1f} ms")
    print(f"  replies: {dict(replies)}")
    used = (cpu.user - cpu_before.user) + (cpu.system - cpu_before.system)
    print(f"  load generator CPU: {100 * used / elapsed:.0f}% of one core (2 cores in all)")
    with bill() as uow:
        s = uow.session
        paid = s.execute(select(func.count()).select_from(billing.orders).where(
            billing.orders.c.order_no.in_(numbers), billing.orders.c.status == "paid")).scalar()
        payments = s.execute(select(func.count()).select_from(billing.payments).join(
            billing.orders, billing.orders.c.id == billing.payments.c.order_id).where(
            billing.orders.c.order_no.in_(numbers))).scalar()
        events = s.execute(select(func.count()).select_from(billing.outbox).where(
            billing.outbox.c.event_type == "order_paid",
            billing.outbox.c.aggregate_id.in_(numbers))).scalar()
    print(f"  effects: {paid} of {n} orders paid, {payments} payments, {events} order_paid "
          f"events (each must equal {n})")
    verify_ms, rpc_ms = breakdown(key, public, [b for triple in bodies[:200] for b in triple])
    p50 = percentile(latencies, .5)
    print(f"  where a notification's time goes (p50 {p50:.1f} ms): signature check "
          f"{verify_ms:.2f} ms, RPC round trip gateway→billing {rpc_ms:.2f} ms (ping), "
          f"the rest {max(p50 - verify_ms - rpc_ms, 0):.1f} ms — waiting for the group ahead "
          "(the gateway sends notifications to billing in groups: gateway/notifications.py) "
          "and the group's one transaction (each order locked, decided, applied, the raw "
          "notifications recorded with their outcomes)")


if __name__ == "__main__":
    main()
