"""A RabbitMQ node of a test's own, for tests that make the broker go away.

The machine's shared broker serves every other test (and other people's tests) at the
same time, so it is never stopped or killed. This starts `rabbitmq-server` as a separate
Erlang node (own node name, AMQP and distribution ports, data, logs, config and cookie
in a temporary folder, no plugins) that a test may `kill9()` and `restart()` at will.
"""
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"  # the real script, not the su wrapper
CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"
DIAGNOSTICS = "/usr/lib/rabbitmq/bin/rabbitmq-diagnostics"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateBroker:
    def __init__(self, base_dir, start_timeout=90.0):
        self.base = Path(base_dir)
        self.node = f"rel-{secrets.token_hex(4)}@localhost"
        self.port = free_port()
        self.dist_port = free_port()
        self.start_timeout = start_timeout
        self.process = None
        self.beam_pid = None
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self._prepare()

    def _prepare(self):
        home = self.base / "home"
        for folder in ("home", "mnesia", "log"):
            (self.base / folder).mkdir(parents=True, exist_ok=True)
        cookie = home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(16))
        cookie.chmod(0o400)
        (self.base / "enabled_plugins").write_text("[].\n")
        (self.base / "rabbitmq-env.conf").write_text("")
        (self.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.1 = 127.0.0.1:{self.port}\n"
            # A test kills and restarts the node: no disk-space alarm from a busy /tmp.
            "disk_free_limit.absolute = 50MB\n")
        self.env = dict(
            os.environ, HOME=str(home), RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1", RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(self.base / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.base / "log"),
            RABBITMQ_CONFIG_FILE=str(self.base / "rabbitmq.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.base / "enabled_plugins"),
            RABBITMQ_CONF_ENV_FILE=str(self.base / "rabbitmq-env.conf"),
            RABBITMQ_PID_FILE=str(self.base / "rabbit.pid"),
            RABBITMQ_ALLOW_INPUT="", RABBITMQ_LOGS="-")

    def _ctl(self, tool, *args, timeout=30):
        return subprocess.run([tool, "-n", self.node, *args], env=self.env, cwd=self.base,
                              capture_output=True, text=True, timeout=timeout)

    def start(self):
        log = open(self.base / "log" / "server.out", "ab")
        self.process = subprocess.Popen([SERVER], env=self.env, cwd=self.base, stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"private RabbitMQ exited: {self.log_tail()}")
            if self._ctl(DIAGNOSTICS, "-q", "ping").returncode == 0:
                break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"private RabbitMQ did not start: {self.log_tail()}")
        # `ping` answers before the app is up; wait until AMQP is served.
        self._ctl(CTL, "await_startup", timeout=self.start_timeout)
        out = self._ctl(CTL, "eval", "os:getpid().").stdout.strip().strip('"')
        self.beam_pid = int(out)
        return self

    def kill9(self):
        """SIGKILL of the node's Erlang VM: no goodbye to any client."""
        try:
            os.kill(self.beam_pid, signal.SIGKILL)
        except ProcessLookupError:  # already killed (by a test's own handler)
            pass
        self._reap()

    def restart(self):
        """The same node again: same data folder, same port."""
        return self.start()

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self._ctl(CTL, "stop", timeout=60)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            if self.beam_pid:
                os.kill(self.beam_pid, signal.SIGKILL)
        self._reap()

    def _reap(self):
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        # The node's epmd registration and port are free once the VM is gone.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _port_open(self.port):
            time.sleep(0.1)

    def log_tail(self, lines=30):
        path = self.base / "log" / "server.out"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def private_broker(tmp_path_factory):
    """A RabbitMQ node of this test's own: `.url`, `.kill9()`, `.restart()`."""
    if not os.path.exists(SERVER):
        pytest.fail("rabbitmq-server is not installed: run ./scripts/setup.sh")
    base = tmp_path_factory.mktemp("rabbit")
    broker = PrivateBroker(base).start()
    yield broker
    broker.stop()
    shutil.rmtree(base, ignore_errors=True)
