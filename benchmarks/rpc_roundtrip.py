"""Gateway -> identity RPC round trip, sequential, through the gateway's own RpcPool
(one long-lived proxy, transient unconfirmed RPC publishes).
    python benchmarks/rpc_roundtrip.py [calls]"""
import statistics
import sys
import time

from gateway.rpc import RpcPool


def main(calls=3000):
    pool = RpcPool()
    for _ in range(200):  # warm up: connection, queues, code paths
        pool.call("identity", "ping")
    timings = []
    for _ in range(calls):
        start = time.perf_counter()
        pool.call("identity", "ping")
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    q = statistics.quantiles(timings, n=100)
    print(f"rpc round trip gateway->identity.ping, sequential, {calls} calls: "
          f"p50 {q[49]:.2f} ms  p90 {q[89]:.2f} ms  p99 {q[98]:.2f} ms  "
          f"({calls / (sum(timings) / 1000):.0f} calls/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
