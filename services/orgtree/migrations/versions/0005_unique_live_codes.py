"""unique codes among live units (partial unique indexes)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 08:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

LIVE = "status IN ('draft', 'pending', 'approved', 'disabled')"


def upgrade():
    op.drop_index('ix_org_units_uscc', table_name='org_units')
    op.drop_index('ix_org_units_org_code', table_name='org_units')
    for name, column in (('uq_org_units_uscc_live', 'uscc'),
                         ('uq_org_units_org_code_live', 'org_code')):
        op.create_index(name, 'org_units', [column], unique=True,
                        postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))


def downgrade():
    op.drop_index('uq_org_units_org_code_live', table_name='org_units')
    op.drop_index('uq_org_units_uscc_live', table_name='org_units')
    op.create_index('ix_org_units_org_code', 'org_units', ['org_code'])
    op.create_index('ix_org_units_uscc', 'org_units', ['uscc'])
