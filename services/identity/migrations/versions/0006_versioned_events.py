"""versioned events: the outbox carries aggregates and versions, copies kept from
orgtree's events remember the newest version they applied

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 11:20:00
"""
import sqlalchemy as sa
from alembic import op

from services.common.outbox_migration import unversion_the_outbox, version_the_outbox

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    version_the_outbox()
    with op.batch_alter_table('orgs') as batch_op:
        batch_op.add_column(sa.Column('version', sa.BigInteger(), nullable=False,
                                      server_default='0'))
        batch_op.create_index('ix_orgs_parent_id', ['parent_id'])
    with op.batch_alter_table('accounts') as batch_op:
        batch_op.add_column(sa.Column('membership_version', sa.BigInteger(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('accounts') as batch_op:
        batch_op.drop_column('membership_version')
    with op.batch_alter_table('orgs') as batch_op:
        batch_op.drop_index('ix_orgs_parent_id')
        batch_op.drop_column('version')
    unversion_the_outbox()
