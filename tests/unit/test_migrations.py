"""Each service's Alembic migrations build exactly the schema its models describe."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.common.migrations import upgrade
from services.identity.models import metadata as identity_metadata
from services.orgtree.models import metadata as orgtree_metadata

METADATA = [("identity", identity_metadata), ("orgtree", orgtree_metadata)]


def schema_differences(url, metadata):
    """What autogenerate would still change after the migrations, leaving out objects the
    models create only on another database (Index(...).ddl_if(dialect=...))."""
    engine = sa.create_engine(url)
    dialect = engine.dialect.name

    def include(obj, name, type_, reflected, compare_to):
        ddl_if = getattr(obj, "_ddl_if", None)
        return ddl_if is None or ddl_if.dialect in (None, dialect)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include})
        return compare_metadata(context, metadata)


@pytest.mark.parametrize("service,metadata", METADATA)
def test_migrations_match_models(tmp_path, service, metadata):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(service, url)
    assert schema_differences(url, metadata) == []
