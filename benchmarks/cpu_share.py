"""CPU used by each process of the platform while a load runs:
    python benchmarks/cpu_share.py SECONDS
Prints, per process group (gateway, the services, rabbitmq, load generator), the
share of one core it used over the window: where the time goes on a 2-core machine."""
import os
import sys
import time

GROUPS = {"sandbox.app": "payment sandbox", "gunicorn": "gateway",
          "services.identity": "identity", "services.orgtree": "orgtree",
          "services.learning": "learning", "services.billing": "billing", "services.exam": "exam",
          "beam.smp": "rabbitmq", "postgres": "postgresql", "wrk": "load generator", "hey": "load generator",
          "heartbeat_load": "load generator", "alipay_notify_load": "load generator",
          "exam_rush_load": "load generator"}


def snapshot():
    ticks = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        group = next((g for key, g in GROUPS.items() if key in cmd), None)
        if group:
            ticks[group] = ticks.get(group, 0) + int(fields[11]) + int(fields[12])
    return ticks


def main(seconds):
    hz = os.sysconf("SC_CLK_TCK")
    before = snapshot()
    time.sleep(seconds)
    after = snapshot()
    for group in sorted(after):
        used = (after[group] - before.get(group, 0)) / hz / seconds
        print(f"    cpu {group:15s} {used * 100:5.0f}% of one core")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 10)
