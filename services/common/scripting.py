"""Units of work for one-off commands (migrations' companions: seeds, repairs), outside
a Nameko container. Events they write are relayed by the running service."""
from .clock import Clock
from .db import UnitOfWork, make_engine, session_factory
from .settings import database_url


def uow_factory(service, outbox, inbox, url=None):
    engine = make_engine(url or database_url(service))
    sessions = session_factory(engine)
    clock = Clock()
    return lambda: UnitOfWork(sessions, service, outbox, inbox, clock)
