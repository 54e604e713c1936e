"""Events of a producer whose service does not exist yet (billing, exam), published the
way that service will: written through a real outbox in a transaction, relayed to the
real broker with confirms. Never a handler called directly."""
from services.common.db import inbox_table, outbox_table, service_metadata
from services.common.relay import OutboxRelay
from services.common.scripting import UnitOfWorkFactory


class ForeignProducer:
    def __init__(self, producer, amqp_uri, directory, clock=None):
        metadata = service_metadata()
        outbox, inbox = outbox_table(metadata), inbox_table(metadata)
        self.db = UnitOfWorkFactory(producer, outbox, inbox,
                                    url=f"sqlite:///{directory / (producer + '.db')}", clock=clock)
        metadata.create_all(self.db.engine)
        self.relay = OutboxRelay(self.db.engine, outbox, producer, amqp_uri, self.db.clock)

    def publish(self, event_type, payload):
        """Write the event in its own transaction, then relay everything pending."""
        with self.db() as uow:
            envelope = uow.add_event(event_type, payload)
            uow.commit()
        while self.relay.publish_pending():
            pass
        return envelope
