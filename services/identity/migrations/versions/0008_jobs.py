"""jobs: the common job table; learner imports move onto it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00
"""
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
UNFINISHED = "status IN ('queued', 'running')"
# An import the old code left "running" was claimed and committed before its work, so
# half of it may be done with no record of which half: fail it rather than guess.
INTERRUPTED = "导入因系统升级中断，部分学员可能已导入，请核对后重新导入"

old_imports = sa.table(
    'learner_imports', sa.column('id', sa.Integer), sa.column('org_id', sa.Integer),
    sa.column('requested_by', sa.Integer), sa.column('upload_key', sa.String),
    sa.column('filename', sa.String), sa.column('status', sa.String),
    sa.column('total_rows', sa.Integer), sa.column('imported', sa.Integer),
    sa.column('failed', sa.Integer), sa.column('report_key', sa.String),
    sa.column('error', sa.Text), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('finished_at', sa.DateTime(timezone=True)))
jobs = sa.table(
    'jobs', sa.column('id', sa.Integer), sa.column('kind', sa.String),
    sa.column('status', sa.String), sa.column('org_id', sa.Integer),
    sa.column('requested_by', sa.Integer), sa.column('params', sa.JSON),
    sa.column('progress_done', sa.Integer), sa.column('progress_total', sa.Integer),
    sa.column('result', sa.JSON), sa.column('result_key', sa.String),
    sa.column('error', sa.Text), sa.column('attempts', sa.Integer),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('started_at', sa.DateTime(timezone=True)),
    sa.column('finished_at', sa.DateTime(timezone=True)))


def upgrade():
    op.create_table('jobs',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('requested_by', BigId, nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('checkpoint', sa.JSON(), nullable=True),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('result_key', sa.String(length=200), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=80), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_requested_by'), ['requested_by'], unique=False)
        batch_op.create_index('ix_jobs_unfinished', ['id'], unique=False,
                              postgresql_where=sa.text(UNFINISHED),
                              sqlite_where=sa.text(UNFINISHED))

    # Every import keeps its id (clients hold it as import_id).
    conn = op.get_bind()
    now = datetime.now(timezone.utc)
    rows = conn.execute(sa.select(old_imports)).mappings().all()
    for row in rows:
        status, error, finished_at = row['status'], row['error'], row['finished_at']
        if status == 'running':
            status, error, finished_at = 'failed', INTERRUPTED, now
        done = row['total_rows'] if status == 'done' else None
        conn.execute(sa.insert(jobs).values(
            id=row['id'], kind='learner_import', status=status, org_id=row['org_id'],
            requested_by=row['requested_by'],
            params={'upload_key': row['upload_key'], 'filename': row['filename'],
                    'report_key': row['report_key'] or
                    f"exports/identity/import-failures-{uuid.uuid4().hex}.xlsx"},
            progress_done=done or 0, progress_total=done,
            result=({'total_rows': row['total_rows'], 'imported': row['imported'],
                     'failed': row['failed']} if row['status'] == 'done' else None),
            result_key=row['report_key'], error=error,
            attempts=0 if status == 'queued' else 1, created_at=row['created_at'],
            started_at=None, finished_at=finished_at))
    if rows and conn.dialect.name == 'postgresql':
        conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('jobs', 'id'), "
                             "(SELECT max(id) FROM jobs))"))

    with op.batch_alter_table('learner_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learner_imports_requested_by'))
    op.drop_table('learner_imports')


def downgrade():
    op.create_table('learner_imports',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', BigId, nullable=False),
    sa.Column('upload_key', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=True),
    sa.Column('imported', sa.Integer(), nullable=True),
    sa.Column('failed', sa.Integer(), nullable=True),
    sa.Column('report_key', sa.String(length=200), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learner_imports'))
    )
    with op.batch_alter_table('learner_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learner_imports_requested_by'), ['requested_by'], unique=False)

    conn = op.get_bind()
    rows = conn.execute(sa.select(jobs).where(jobs.c.kind == 'learner_import')).mappings().all()
    for row in rows:
        result = row['result'] or {}
        conn.execute(sa.insert(old_imports).values(
            id=row['id'], org_id=row['org_id'], requested_by=row['requested_by'],
            upload_key=row['params']['upload_key'], filename=row['params'].get('filename'),
            status=row['status'], total_rows=result.get('total_rows'),
            imported=result.get('imported'), failed=result.get('failed'),
            report_key=row['result_key'], error=row['error'], created_at=row['created_at'],
            finished_at=row['finished_at']))
    if rows and conn.dialect.name == 'postgresql':
        conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('learner_imports', 'id'), "
                             "(SELECT max(id) FROM learner_imports))"))

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_unfinished', postgresql_where=sa.text(UNFINISHED),
                            sqlite_where=sa.text(UNFINISHED))
        batch_op.drop_index(batch_op.f('ix_jobs_requested_by'))
    op.drop_table('jobs')
