"""The feed's lag distribution per producer: live events counted by how late they were
applied (within 1 s, 5 s, 60 s, later).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

BUCKETS = ("lag_within_1s", "lag_within_5s", "lag_within_60s", "lag_over_60s")


def upgrade():
    with op.batch_alter_table('checkpoints', schema=None) as batch_op:
        for name in BUCKETS:
            batch_op.add_column(sa.Column(name, sa.BigInteger(), server_default='0',
                                          nullable=False))


def downgrade():
    with op.batch_alter_table('checkpoints', schema=None) as batch_op:
        for name in BUCKETS:
            batch_op.drop_column(name)
