"""roles are soft-deleted (ended grants still name them); names unique among live roles

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

LIVE = 'deleted_at IS NULL'


def upgrade():
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint('uq_roles_org_name', type_='unique')
        batch_op.create_index('uq_roles_org_name_live', ['org_id', 'name'], unique=True,
                              postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))


def downgrade():
    # Deleted roles go for good where no grant names them; the others keep a unique name.
    op.execute("DELETE FROM roles WHERE deleted_at IS NOT NULL AND id NOT IN "
               "(SELECT role_id FROM admin_grants)")
    op.execute("UPDATE roles SET name = substr(name, 1, 36) || '（已删除' || id || '）' "
               "WHERE deleted_at IS NOT NULL")
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_index('uq_roles_org_name_live', postgresql_where=sa.text(LIVE),
                            sqlite_where=sa.text(LIVE))
        batch_op.create_unique_constraint('uq_roles_org_name', ['org_id', 'name'])
        batch_op.drop_column('deleted_at')
