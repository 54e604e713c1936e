"""Each service's Alembic migrations build exactly the schema its models describe."""
import json

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.billing.models import metadata as billing_metadata
from services.common.migrations import upgrade
from services.exam.models import metadata as exam_metadata
from services.identity.models import metadata as identity_metadata
from services.learning.models import metadata as learning_metadata
from services.orgtree.models import metadata as orgtree_metadata
from services.reporting.models import metadata as reporting_metadata

METADATA = [("identity", identity_metadata), ("orgtree", orgtree_metadata),
            ("learning", learning_metadata), ("billing", billing_metadata),
            ("exam", exam_metadata), ("reporting", reporting_metadata)]


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


def test_parent_changes_filed_before_0006_get_their_parent_columns(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade("orgtree", url, revision="0005")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for org_id, parent in ((1, None), (2, 1), (3, 1), (4, 2)):
            conn.execute(sa.text(
                "INSERT INTO org_units (id, parent_id, path, depth, name, type, status, "
                "review_members, created_at, code_warning) VALUES (:id, :parent, :path, 1, "
                "'单位', 'employer', 'approved', 0, '2026-01-01', 0)"),
                {"id": org_id, "parent": parent, "path": f"/{org_id}/"})
        conn.execute(sa.text(
            "INSERT INTO org_changes (org_id, kind, before, after, status, requested_by, "
            "requested_at) VALUES (4, 'parent', '{\"parent_id\": 2}', '{\"parent_id\": 3}', "
            "'pending', 1, '2026-01-01')"))
    upgrade("orgtree", url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT old_parent_id, new_parent_id FROM org_changes")).one()
    assert tuple(row) == (2, 3)


@pytest.mark.parametrize("service,before", [("identity", "0005"), ("orgtree", "0006")])
def test_events_written_before_versioning_keep_their_replay_order(tmp_path, service, before):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(service, url, revision=before)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for n, published in ((1, True), (2, False), (3, True)):
            conn.execute(sa.text(
                "INSERT INTO outbox (id, event_id, event_type, occurred_at, envelope, "
                "published_at) VALUES (:id, :eid, 'org_registered', '2026-01-01', '{}', "
                ":published)"), {"id": n, "eid": f"e{n}",
                                 "published": "2026-01-01" if published else None})
    upgrade(service, url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, position, aggregate_version FROM outbox "
                                    "ORDER BY id")).all()
    # Published rows replay in their old order; the unpublished one waits for the relay.
    assert [tuple(r) for r in rows] == [(1, 1, 0), (2, None, 0), (3, 2, 0)]


def test_learner_imports_before_0008_become_jobs_keeping_their_import_ids(tmp_path):
    from alembic import command

    from services.common.migrations import alembic_config
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade("identity", url, revision="0005")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for job_id, status, counts in ((3, "done", (10, 9, 1)), (5, "queued", (None,) * 3),
                                       (6, "running", (None,) * 3)):
            conn.execute(sa.text(
                "INSERT INTO learner_imports (id, org_id, requested_by, upload_key, filename, "
                "status, total_rows, imported, failed, report_key, created_at) VALUES (:id, 4, "
                "7, :upload, '学员.xlsx', :status, :total, :imported, :failed, :report, "
                "'2026-01-01 00:00:00')"),
                {"id": job_id, "upload": f"uploads/{job_id}.xlsx", "status": status,
                 "total": counts[0], "imported": counts[1], "failed": counts[2],
                 "report": "exports/identity/r3.xlsx" if status == "done" else None})
    upgrade("identity", url)
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(sa.text(
            "SELECT id, kind, status, org_id, requested_by, params, result, result_key, error "
            "FROM jobs ORDER BY id")).all()}
        assert not sa.inspect(conn).has_table("learner_imports")
    assert set(rows) == {3, 5, 6} and {r.kind for r in rows.values()} == {"learner_import"}
    done, queued, interrupted = rows[3], rows[5], rows[6]
    assert (done.status, done.result_key, done.org_id, done.requested_by) == (
        "done", "exports/identity/r3.xlsx", 4, 7)
    assert json.loads(done.result) == {"total_rows": 10, "imported": 9, "failed": 1}
    params = json.loads(queued.params)
    assert queued.status == "queued" and params["upload_key"] == "uploads/5.xlsx"
    assert params["filename"] == "学员.xlsx" and params["report_key"].startswith("exports/")
    # the old code claimed before working: half done, no cursor, so not resumed blindly
    assert interrupted.status == "failed" and "重新导入" in interrupted.error

    command.downgrade(alembic_config("identity", url), "0005")
    with engine.connect() as conn:
        back = conn.execute(sa.text(
            "SELECT id, status, imported FROM learner_imports ORDER BY id")).all()
    assert [tuple(r) for r in back] == [(3, "done", 9), (5, "queued", None), (6, "failed", None)]
