"""admin invitations (who invited) and when a role's modules last changed

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('admin_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited_by', sa.BigInteger().with_variant(
            sa.Integer(), 'sqlite'), nullable=True))
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('modules_changed_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_roles_modules_changed_at'), ['modules_changed_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roles_modules_changed_at'))
        batch_op.drop_column('modules_changed_at')
    with op.batch_alter_table('admin_grants', schema=None) as batch_op:
        batch_op.drop_column('invited_by')
