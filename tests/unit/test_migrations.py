"""Each service's Alembic migrations build exactly the schema its models describe."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.common.migrations import upgrade
from services.identity.models import metadata as identity_metadata
from services.orgtree.models import metadata as orgtree_metadata


@pytest.mark.parametrize("service,metadata", [("identity", identity_metadata),
                                              ("orgtree", orgtree_metadata)])
def test_migrations_match_models(tmp_path, service, metadata):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(service, url)
    with sa.create_engine(url).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
