"""The one schema change every service's outbox goes through to carry versioned events
(issue 6): called from each service's own Alembic migration, so the outbox stays one
mechanism with one shape everywhere."""
import sqlalchemy as sa
from alembic import op


def version_the_outbox():
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("aggregate_type", sa.String(32), nullable=False,
                                   server_default="legacy"))
        batch.add_column(sa.Column("aggregate_id", sa.String(64), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("aggregate_version", sa.BigInteger(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("position", sa.BigInteger(), nullable=True))
        batch.create_unique_constraint("uq_outbox_position", ["position"])
        batch.drop_index("ix_outbox_unpublished")
    # Rows written before versioning: published ones get positions in id order (they were
    # published in that order by the single relay of the time); unpublished ones get theirs
    # from the relay. Their envelopes carry no aggregate: consumers read version 0.
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE outbox SET aggregate_id = event_id"))
    outbox = sa.table("outbox", sa.column("id", sa.BigInteger), sa.column("position"),
                      sa.column("published_at"))
    ids = conn.execute(sa.select(outbox.c.id).where(outbox.c.published_at.is_not(None))
                       .order_by(outbox.c.id)).scalars().all()
    for position, row_id in enumerate(ids, start=1):
        conn.execute(sa.update(outbox).where(outbox.c.id == row_id).values(position=position))
    op.create_index("ix_outbox_unpublished", "outbox", ["id"],
                    postgresql_where=sa.text("position IS NULL"),
                    sqlite_where=sa.text("position IS NULL"))
    op.create_table(
        "aggregate_versions",
        sa.Column("aggregate_type", sa.String(32), nullable=False),
        sa.Column("aggregate_id", sa.String(64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("aggregate_type", "aggregate_id",
                                name="pk_aggregate_versions"))


def unversion_the_outbox():
    op.drop_table("aggregate_versions")
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("uq_outbox_position", type_="unique")
        for column in ("position", "aggregate_version", "aggregate_id", "aggregate_type"):
            batch.drop_column(column)
        batch.create_index("ix_outbox_unpublished", ["id"],
                           postgresql_where=sa.text("published_at IS NULL"),
                           sqlite_where=sa.text("published_at IS NULL"))
