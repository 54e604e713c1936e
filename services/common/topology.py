"""The broker's shape for events: every consumer's queue, the delayed-retry queues and the
dead-letter queues. Declared by each consumer when it starts, and by the deploy step
before any service runs (so an event published before its consumer first started waits
in the queue instead of being dropped):

    python -m services.common.topology identity orgtree

- `evt-<producer>-<event>--<service>.<handler>`: a durable classic queue per (event,
  handler), bound to the producer's topic exchange, dead-lettering into the service's
  dead-letter exchange. Not a quorum queue: on RabbitMQ 3.10 (Debian's) a single-node
  quorum queue stays unusable for minutes after the broker is killed and restarted
  ("leader not known", rabbitmq-server#10070) — the very outage the platform must ride
  out. The delivery limit that ends redelivery loops (a message that kills its consumer
  each time) is kept by the consumer instead, counted in the message's `x-redeliveries`
  header (services.common.dependencies.ReliableEventHandler).
- `events.retry.<ms>ms`: one queue per retry delay, shared by every handler. A failed
  message is published there with its own queue's name as routing key; the queue's
  message TTL expires it into the default exchange, which routes it back by that name.
  The delay is kept by the broker, not by a sleeping worker.
- `<service>.dead`: the service's dead letters, with the queue each came from (headers
  `x-original-queue`, `x-error`, `x-attempts`); `python -m services.common.dead_letters`
  lists and replays them.
"""
import logging
import sys

from kombu import Connection, Exchange, Queue
from kombu.exceptions import OperationalError
from amqp.exceptions import PreconditionFailed

from .relay import event_exchange
from .settings import amqp_uri, env

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (1.0, 10.0, 60.0)
DEFAULT_DELIVERY_LIMIT = 10


def retry_delays(config=None):
    """Seconds before each retry of a failed handler (EVENT_RETRY_DELAYS="1,10,60")."""
    raw = (config or {}).get("EVENT_RETRY_DELAYS") or env("EVENT_RETRY_DELAYS")
    if not raw:
        return DEFAULT_RETRY_DELAYS
    if isinstance(raw, (list, tuple)):
        return tuple(float(x) for x in raw)
    return tuple(float(x) for x in str(raw).split(",") if x.strip())


def delivery_limit(config=None):
    """Deliveries of one message that ended without an ack or reject (its consumer died)
    before it is dead-lettered."""
    return int((config or {}).get("EVENT_DELIVERY_LIMIT")
               or env("EVENT_DELIVERY_LIMIT", DEFAULT_DELIVERY_LIMIT))


def queue_name(producer, event_type, service, handler):
    # Nameko's own name for a service-pool event handler's queue.
    return f"evt-{producer}-{event_type}--{service}.{handler}"


def dead_letter_exchange(service):
    return Exchange(f"{service}.dead", type="fanout", durable=True, auto_delete=False)


def dead_letter_queue(service):
    return Queue(f"{service}.dead", exchange=dead_letter_exchange(service), durable=True,
                 auto_delete=False)


def queue_type(config=None):
    """`classic` (the default) or `quorum`, for a cluster of three or more nodes on a
    RabbitMQ whose quorum queues recover from a crash (EVENT_QUEUE_TYPE)."""
    kind = (config or {}).get("EVENT_QUEUE_TYPE") or env("EVENT_QUEUE_TYPE", "classic")
    if kind not in ("classic", "quorum"):
        raise ValueError(f"EVENT_QUEUE_TYPE must be classic or quorum, not {kind!r}")
    return kind


def consumer_queue(producer, event_type, service, handler, kind="classic"):
    arguments = {"x-dead-letter-exchange": f"{service}.dead"}
    if kind == "quorum":
        arguments["x-queue-type"] = "quorum"
    return Queue(queue_name(producer, event_type, service, handler),
                 exchange=event_exchange(producer), routing_key=event_type, durable=True,
                 auto_delete=False, queue_arguments=arguments)


def retry_exchange(delay_seconds):
    return Exchange(f"events.retry.{int(delay_seconds * 1000)}ms", type="fanout",
                    durable=True, auto_delete=False)


def retry_queue(delay_seconds):
    ms = int(delay_seconds * 1000)
    return Queue(f"events.retry.{ms}ms", exchange=retry_exchange(delay_seconds), durable=True,
                 auto_delete=False,
                 queue_arguments={"x-message-ttl": ms, "x-dead-letter-exchange": ""})


def support_entities(service, config=None):
    """What a consumer of `service` needs besides its own queues."""
    entities = [dead_letter_exchange(service), dead_letter_queue(service)]
    for delay in retry_delays(config):
        entities += [retry_exchange(delay), retry_queue(delay)]
    return entities


def declare(connection, entity):
    """Declare one entity. A queue declared before with other arguments (a quorum queue
    from an earlier release) is replaced when it is empty, and refused otherwise."""
    try:
        entity(connection.default_channel).declare()
    except PreconditionFailed:
        if not isinstance(entity, Queue):
            raise
        connection.close()
        connection.connect()
        bound = entity(connection.default_channel)
        _, messages, _ = bound.queue_declare(passive=True)
        if messages:
            raise RuntimeError(f"queue {entity.name} exists with other settings and holds "
                               f"{messages} messages: drain it, then declare again") from None
        log.warning("replacing empty queue %s (its settings changed)", entity.name)
        bound.delete()
        entity(connection.default_channel).declare()


def service_handlers(service):
    """(producer, event type, handler name) of every reliable event handler of `service`."""
    import importlib
    import inspect

    from .dependencies import ReliableEventHandler
    module = importlib.import_module(f"services.{service}.service")
    found = []
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if getattr(cls, "name", None) != service:
            continue
        for method_name, method in inspect.getmembers(cls, inspect.isfunction):
            for entrypoint in getattr(method, "nameko_entrypoints", ()):
                if isinstance(entrypoint, ReliableEventHandler):
                    found.append((entrypoint.source_service, entrypoint.event_type,
                                  method_name))
    return sorted(found)


def service_work_queues(service):
    """The work queues `service`'s batch consumers drain (batch_consumer.py): declared
    here too, so that nothing published before the service first starts is dropped."""
    import importlib
    import inspect

    from .batch_consumer import BatchConsumer
    module = importlib.import_module(f"services.{service}.service")
    return [value.work.queue for _, cls in inspect.getmembers(module, inspect.isclass)
            if getattr(cls, "name", None) == service
            for value in vars(cls).values() if isinstance(value, BatchConsumer)]


def declare_services(uri, services, config=None):
    """Declare every queue the given services consume from, and what they need."""
    declared = []
    with Connection(uri, connect_timeout=10) as connection:
        connection.ensure_connection(max_retries=3)
        for service in services:
            for entity in support_entities(service, config):
                declare(connection, entity)
            for producer, event_type, handler in service_handlers(service):
                declare(connection, event_exchange(producer))
                queue = consumer_queue(producer, event_type, service, handler,
                                       queue_type(config))
                declare(connection, queue)
                declared.append(queue.name)
            for queue in service_work_queues(service):
                declare(connection, queue)
                declared.append(queue.name)
    return declared


def main(argv):
    services = argv[1:]
    if not services:
        print("usage: python -m services.common.topology <service> ...", file=sys.stderr)
        return 2
    try:
        names = declare_services(amqp_uri(), services)
    except (OperationalError, OSError, RuntimeError) as exc:
        print(f"could not declare the event topology: {exc}", file=sys.stderr)
        return 1
    print(f"declared {len(names)} event queues for {', '.join(services)}")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level="INFO")
    sys.exit(main(sys.argv))
