"""admin grants: when a grant stopped being active

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 08:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('admin_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_admin_grants_ended_at'), ['ended_at'], unique=False)


def downgrade():
    with op.batch_alter_table('admin_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_grants_ended_at'))
        batch_op.drop_column('ended_at')
