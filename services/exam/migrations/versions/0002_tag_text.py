"""Knowledge points searchable by the database (",政策,法规,"), so the bank's tag filter
counts and pages right.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 13:10:00
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tag_text', sa.String(length=400), nullable=False,
                                      server_default=''))
    bind = op.get_bind()
    questions = sa.table('questions', sa.column('id', sa.BigInteger),
                         sa.column('tags', sa.JSON), sa.column('tag_text', sa.String))
    for question_id, tags in bind.execute(sa.select(questions.c.id, questions.c.tags)).all():
        tags = json.loads(tags) if isinstance(tags, str) else (tags or [])
        if tags:
            bind.execute(questions.update().where(questions.c.id == question_id)
                         .values(tag_text="," + ",".join(tags) + ","))


def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('tag_text')
