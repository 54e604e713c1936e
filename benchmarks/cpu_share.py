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
    """{pid: (group, CPU ticks)} of the platform's processes."""
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
            ticks[pid] = (group, int(fields[11]) + int(fields[12]))
    return ticks


def main(seconds):
    hz = os.sysconf("SC_CLK_TCK")
    before = snapshot()
    time.sleep(seconds)
    after = snapshot()
    used = {}
    # Per process: one that started during the window counts from zero; one killed in it
    # counts nothing after its last reading (a restarted service is its new process).
    for pid, (group, ticks) in after.items():
        used[group] = used.get(group, 0) + ticks - before.get(pid, (group, 0))[1]
    for group in sorted(used):
        print(f"    cpu {group:15s} {used[group] / hz / seconds * 100:5.0f}% of one core")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 10)
