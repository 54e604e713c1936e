"""The migrations on PostgreSQL, where some indexes differ (pattern operator classes)."""
import pytest

from tests.unit.test_migrations import METADATA, schema_differences

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.mark.parametrize("service,metadata", METADATA)
def test_migrations_match_models_on_postgresql(postgres_url, service, metadata):
    url = postgres_url(service).replace("postgresql://", "postgresql+psycopg2://", 1)
    assert schema_differences(url, metadata) == []
