"""versioned events: the outbox carries aggregates and versions, memberships remember
the newest version of identity's events about their person

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:20:00
"""
import sqlalchemy as sa
from alembic import op

from services.common.outbox_migration import unversion_the_outbox, version_the_outbox

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    version_the_outbox()
    with op.batch_alter_table('memberships') as batch_op:
        batch_op.add_column(sa.Column('person_version', sa.BigInteger(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('memberships') as batch_op:
        batch_op.drop_column('person_version')
    unversion_the_outbox()
