"""A worker that finishes after the broker died must not end its service (issue 6, §2).

Each handler here kills the private broker's Erlang VM itself and then waits without
yielding to eventlet's hub, so the container's consumer thread cannot notice the drop
before the worker acknowledges its message (or sends its reply) on the dead connection —
the race a `kill -9` under load wins now and then, made certain. The container must
survive, reconnect once the broker is back and consume again.
"""
import os
import signal

import eventlet
import pytest
from eventlet import patcher
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from nameko.rpc import rpc
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.dependencies import event_handler
from services.common.relay import event_exchange
from services.common.runtime import prepare_service_process
from tests.conftest import eventually

pytestmark = [pytest.mark.integration, pytest.mark.broker_outage]
blocking_sleep = patcher.original("time").sleep
runs = []
broker_vm = {}


def kill_the_broker_once():
    """First delivery: kill the broker and stay on the CPU until the socket is dead."""
    runs.append(1)
    if len(runs) == 1:
        eventlet.sleep(0.5)  # the caller's publish is confirmed meanwhile
        os.kill(broker_vm["pid"], signal.SIGKILL)
        broker_vm["killed"] = True
        blocking_sleep(0.5)


class Sluggish:
    name = "sluggish"

    @rpc
    def work(self):
        kill_the_broker_once()
        return "done"

    @event_handler("producer", "something_happened")
    def on_something(self, body):
        kill_the_broker_once()


@pytest.fixture
def sluggish(private_broker, container_factory):
    prepare_service_process()
    runs.clear()
    broker_vm.clear()
    broker_vm["pid"] = private_broker.beam_pid
    container = container_factory(Sluggish, {"AMQP_URI": private_broker.url,
                                             "max_workers": 2})
    container.start()
    return container


def test_an_rpc_worker_replying_after_the_broker_died_leaves_its_service_running(
        sluggish, private_broker):
    with ClusterRpcProxy({"AMQP_URI": private_broker.url}) as proxy:
        proxy.sluggish.work.call_async()
        eventually(lambda: broker_vm.get("killed"), timeout=10)
    private_broker.kill9()  # reaps the VM the worker killed
    eventlet.sleep(5)  # longer than the reply's publish retries
    assert not sluggish._died.ready(), "the container died with the broker"

    private_broker.restart()
    with ClusterRpcProxy({"AMQP_URI": private_broker.url}, timeout=20) as proxy:
        assert proxy.sluggish.work() == "done"  # it consumes again
    assert not sluggish._died.ready()


def test_an_event_handler_acking_after_the_broker_died_leaves_its_service_running(
        sluggish, private_broker):
    Publisher(private_broker.url, use_confirms=True, delivery_mode=PERSISTENT).publish(
        {"type": "something_happened"}, exchange=event_exchange("producer"),
        routing_key="something_happened")
    eventually(lambda: broker_vm.get("killed"), timeout=10)
    private_broker.kill9()
    eventlet.sleep(1)
    assert not sluggish._died.ready(), "the container died with the broker"

    private_broker.restart()
    # The ack never reached the broker: the event comes again and is handled.
    eventually(lambda: len(runs) == 2, timeout=30, interval=0.2)
    assert not sluggish._died.ready()
