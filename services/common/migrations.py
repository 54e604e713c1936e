"""Alembic glue shared by every service's `migrations/env.py`, and the migrate command:
    python -m services.common.migrations identity orgtree
Migrations run as a deploy step (a Kubernetes Job), never at every service boot."""
import sys
from pathlib import Path

from alembic import command, context
from alembic.config import Config

from .db import make_engine
from .settings import database_url

SERVICES_DIR = Path(__file__).resolve().parents[1]


def run_env(metadata, service):
    """The body of a service's env.py."""
    url = context.config.get_main_option("sqlalchemy.url") or database_url(service)
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def alembic_config(service, url=None):
    cfg = Config(str(SERVICES_DIR / service / "alembic.ini"))
    cfg.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url or database_url(service))
    return cfg


def upgrade(service, url=None, revision="head"):
    command.upgrade(alembic_config(service, url), revision)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        upgrade(name)
        print(f"migrated {name}")
