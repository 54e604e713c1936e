"""参训情况统计表's counters per plan, unit and day (and their totals), filled from the
people and enrolments already projected, so the report reads counters from now on.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 10:00:00
"""
from collections import Counter, defaultdict

import sqlalchemy as sa
from alembic import op

from services.reporting.domain.read_model_rules import contribution

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

COUNTERS = ("registered", "selected", "participating", "completed")


def _counter_columns():
    return [sa.Column(name, sa.Integer(), server_default='0', nullable=False)
            for name in COUNTERS]


def upgrade():
    op.create_table(
        'participation_days',
        sa.Column('plan_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('org_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        *_counter_columns(),
        sa.PrimaryKeyConstraint('plan_id', 'org_id', 'day', name=op.f('pk_participation_days')))
    with op.batch_alter_table('participation_days', schema=None) as batch_op:
        batch_op.create_index('ix_reporting_participation_days_day', ['plan_id', 'day'],
                              unique=False)
    op.create_table(
        'participation_totals',
        sa.Column('plan_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('org_id', sa.Integer(), autoincrement=False, nullable=False),
        *_counter_columns(),
        sa.PrimaryKeyConstraint('plan_id', 'org_id', name=op.f('pk_participation_totals')))
    _fill()


def _fill():
    bind = op.get_bind()
    people = sa.table('people', *(sa.column(c) for c in (
        'user_id', 'org_id', 'member', 'registered_at')))
    enrolments = sa.table('enrolments', *(sa.column(c) for c in (
        'user_id', 'plan_id', 'first_selected_at', 'started_at', 'passed_at')))
    courses = sa.table('enrolment_courses', *(sa.column(c) for c in (
        'user_id', 'plan_id', 'selected')))
    of_user, holding = defaultdict(list), defaultdict(set)
    for row in bind.execute(sa.select(enrolments)).mappings():
        of_user[row['user_id']].append(dict(row))
    for row in bind.execute(sa.select(courses).where(courses.c.selected.is_(True))).mappings():
        holding[row['user_id']].add(row['plan_id'])
    counts = Counter()
    for person in bind.execute(sa.select(people)).mappings():
        counts.update(contribution(dict(person), of_user.get(person['user_id'], ()),
                                   holding[person['user_id']]))
    days, totals = defaultdict(Counter), defaultdict(Counter)
    for (plan_id, org_id, day, counter), n in counts.items():
        days[(plan_id, org_id, day)][counter] += n
        totals[(plan_id, org_id)][counter] += n
    day_table = sa.table('participation_days', *(sa.column(c) for c in (
        'plan_id', 'org_id', 'day', *COUNTERS)))
    total_table = sa.table('participation_totals', *(sa.column(c) for c in (
        'plan_id', 'org_id', *COUNTERS)))
    if days:
        bind.execute(day_table.insert(), [
            {'plan_id': p, 'org_id': o, 'day': d} | {c: n[c] for c in COUNTERS}
            for (p, o, d), n in days.items()])
        bind.execute(total_table.insert(), [
            {'plan_id': p, 'org_id': o} | {c: n[c] for c in COUNTERS}
            for (p, o), n in totals.items()])


def downgrade():
    op.drop_table('participation_totals')
    with op.batch_alter_table('participation_days', schema=None) as batch_op:
        batch_op.drop_index('ix_reporting_participation_days_day')
    op.drop_table('participation_days')
