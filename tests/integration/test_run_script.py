"""`make run` (scripts/run.sh) supervises its processes, and every way of stopping it —
Ctrl-C in a terminal, SIGTERM from `make bench` — stops everything it started (issue 6,
§2 and §6). The real script, on a vhost of its own, a free port and a temporary VAR_DIR."""
import os
import signal
import subprocess

import pytest
import requests

from tests.conftest import eventually
from tests.private_broker import free_port

pytestmark = pytest.mark.integration
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def process_tree(root):
    """Pids of every process below `root` (from /proc), with their command lines."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as cmd:
                    cmdline = cmd.read().replace(b"\0", b" ").decode(errors="replace")
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append((int(entry), cmdline))
    found, todo = {}, [root]
    while todo:
        for pid, cmdline in children.get(todo.pop(), []):
            found[pid] = cmdline
            todo.append(pid)
    return found


def alive(pids):
    return [pid for pid in pids if os.path.exists(f"/proc/{pid}")
            and open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"]


@pytest.fixture
def run_env(amqp_uri, tmp_path):
    port = free_port()
    return {"env": dict(os.environ, AMQP_URI=amqp_uri, VAR_DIR=str(tmp_path / "var"),
                        PORT=str(port), IDENTITY_ARGON2_MEMORY_KIB="1024"),
            "url": f"http://127.0.0.1:{port}", "out": tmp_path / "run.out",
            "logs": tmp_path / "var" / "log"}


def services_ready(url):
    try:
        body = requests.get(f"{url}/readyz?verbose", timeout=5).json()
    except requests.RequestException:
        return False
    return all(body.get("services", {"none": False}).values())


def test_a_process_that_exits_is_started_again_and_ctrl_c_stops_everything(run_env):
    with open(run_env["out"], "wb") as out:
        # As in a terminal: SIGINT reaches the script (a background job would ignore it).
        run = subprocess.Popen(["./scripts/run.sh"], cwd=REPO, env=run_env["env"],
                               stdout=out, stderr=subprocess.STDOUT,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        eventually(lambda: b"is running" in run_env["out"].read_bytes(), timeout=150,
                   interval=0.5)
        output = run_env["out"].read_text()
        for seeded in ("orgtree demo tree", "identity demo accounts",
                       "learning demo plans and courses",
                       "billing demo cards, orders and an invoice",
                       "exam demo question banks and exams"):
            assert f"{seeded} created" in output, output  # every seed ran, in order
        assert "EventletDeprecationWarning" not in output
        assert "Eventlet is deprecated" not in (run_env["logs"] / "identity.log").read_text()

        identity = [pid for pid, cmd in process_tree(run.pid).items()
                    if "services.identity.service" in cmd]
        assert len(identity) == 1, process_tree(run.pid)
        os.kill(identity[0], signal.SIGKILL)

        def identity_again():
            return [pid for pid, cmd in process_tree(run.pid).items()
                    if "services.identity.service" in cmd and pid != identity[0]]
        eventually(identity_again, timeout=30, interval=0.2)
        assert "identity exited with status 137" in (run_env["logs"] / "identity.log").read_text()
        assert "identity exited (status 137)" in run_env["out"].read_text()
        eventually(lambda: services_ready(run_env["url"]), timeout=60, interval=0.5)
        assert run.poll() is None

        started = process_tree(run.pid)
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=60) == 0
        assert alive(started) == [], {pid: started[pid] for pid in alive(started)}
        assert run_env["out"].read_text().rstrip().endswith("stopped.")
    finally:
        if run.poll() is None:
            for pid in process_tree(run.pid):
                os.kill(pid, signal.SIGKILL)
            run.kill()


BENCH_START_STOP = """
set -euo pipefail
source benchmarks/platform.sh
start_platform
echo started
read -r _
stop_platform
echo stopped
"""


def test_the_benchmarks_stop_the_platform_they_started(run_env):
    run_env["out"].parent.joinpath("var").mkdir(exist_ok=True)
    bench = subprocess.Popen(["bash", "-c", BENCH_START_STOP], cwd=REPO, env=run_env["env"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    try:
        assert bench.stdout.readline().strip() == b"started"
        started = process_tree(bench.pid)
        assert any("gunicorn" in cmd for cmd in started.values()), started
        bench.stdin.write(b"\n")
        bench.stdin.flush()
        assert bench.stdout.readline().strip() == b"stopped"
        assert bench.wait(timeout=30) == 0
        assert alive(started) == [], {pid: started[pid] for pid in alive(started)}
    finally:
        if bench.poll() is None:
            for pid in process_tree(bench.pid):
                os.kill(pid, signal.SIGKILL)
            bench.kill()
