"""learner list indexes: people by registration time and name; org paths for prefix matches

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 08:00:00
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_people_registered_at', 'people', ['registered_at', 'user_id'])
    op.create_index('ix_people_real_name', 'people', ['real_name', 'user_id'])
    # LIKE 'prefix%' uses a btree index on PostgreSQL only with the pattern operator class
    # (unless the database collation is C).
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_orgs_path', table_name='orgs')
        op.create_index('ix_orgs_path', 'orgs', ['path'],
                        postgresql_ops={'path': 'varchar_pattern_ops'})
        op.create_index('ix_people_real_name_prefix', 'people', ['real_name'],
                        postgresql_ops={'real_name': 'varchar_pattern_ops'})


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_people_real_name_prefix', table_name='people')
        op.drop_index('ix_orgs_path', table_name='orgs')
        op.create_index('ix_orgs_path', 'orgs', ['path'])
    op.drop_index('ix_people_real_name', table_name='people')
    op.drop_index('ix_people_registered_at', table_name='people')
