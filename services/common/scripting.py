"""Units of work outside a Nameko container: one-off commands (seeds, repairs) and unit
tests. Events they write are relayed by the running service."""
from .clock import Clock
from .db import UnitOfWork, make_engine, replay_events, session_factory
from .settings import database_url


class UnitOfWorkFactory:
    """Same interface as the `db` dependency a service gets: call it for a unit of work."""

    def __init__(self, service, outbox, inbox, url=None, clock=None):
        self.service = service
        self.outbox = outbox
        self.inbox = inbox
        self.engine = make_engine(url or database_url(service))
        self.sessions = session_factory(self.engine)
        self.clock = clock or Clock()

    def __call__(self):
        return UnitOfWork(self.sessions, self.service, self.outbox, self.inbox, self.clock)

    def replay_events(self, after_position, limit):
        return replay_events(self.engine, self.outbox, after_position, limit)
