"""Kubernetes exec probe:  python -m services.common.probe <service>
Exits 0 while this pod's service process refreshes its heartbeat file (see
dependencies.Heartbeat), 1 when the file is missing or stale. Local on purpose: an RPC
ping could be answered by another replica, and a broker outage must not restart every
pod. Standard library only, so it is cheap to run every period."""
import os
import sys
import time

STALE_AFTER_SECONDS = float(os.environ.get("HEARTBEAT_STALE_SECONDS", "30"))


def heartbeat_path(service):
    return os.path.join(os.environ.get("HEARTBEAT_DIR", "/tmp"), f"{service}.heartbeat")


def main(argv):
    if len(argv) != 2:
        print("usage: python -m services.common.probe <service>", file=sys.stderr)
        return 2
    path = heartbeat_path(argv[1])
    try:
        age = time.time() - os.stat(path).st_mtime
    except FileNotFoundError:
        print(f"no heartbeat at {path}", file=sys.stderr)
        return 1
    if age > STALE_AFTER_SECONDS:
        print(f"heartbeat {age:.0f}s old", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
