"""search and trend indexes: a visit's words in one indexed column; follow-ups by opening and resolving day

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 08:30:00

The office search matched visitors with a ``LIKE`` on five columns (one of them a plate
with its separators replaced in SQL) and read every row of three months of visits to do
it: 0.9-1.7 s for a supervisor of ten sites on SQLite, 0.3-0.5 s on PostgreSQL
(bench/README.md). ``visits.search_text`` holds those words once, case-folded and the plate
normalised (``app.models.gate.visit_search_text``, kept by the model on every write), and
``ix_visits_site_text`` puts it beside ``site_id``, ``checked_in_at``, ``deleted_at``, the
phone tail and the id, so a search, and a count of visits by day, read the index alone.
It replaces ``ix_visits_site_in``, whose two columns are its first two. Likewise
``ix_visits_site_still_in`` adds ``deleted_at`` to ``ix_visits_site_open`` (0004), so the
count of visitors still inside never reads a row.

The dashboard's trends counted follow-ups opened, resolved and due per day by reading the
whole table; ``ix_followups_site_opened``, ``ix_followups_site_resolved`` and
``ix_followups_site_due`` (with ``resolved_at``, for the timely-handling rate) answer those
counts from the index.

The data step fills ``search_text`` for the visits already stored, in batches keyed by id.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BATCH = 2000
VISITS = sa.table("visits", sa.column("id"), sa.column("visitor_name"), sa.column("unit"),
                  sa.column("host_name"), sa.column("plate"), sa.column("search_text"))


def _fill_search_text(conn):
    from app.models.gate import visit_search_text

    update = (VISITS.update().where(VISITS.c.id == sa.bindparam("_id"))
              .values(search_text=sa.bindparam("_text")))
    last = None
    while True:
        stmt = sa.select(VISITS.c.id, VISITS.c.visitor_name, VISITS.c.unit, VISITS.c.host_name,
                         VISITS.c.plate).order_by(VISITS.c.id).limit(BATCH)
        if last is not None:
            stmt = stmt.where(VISITS.c.id > last)
        rows = conn.execute(stmt).all()
        if not rows:
            return
        conn.execute(update, [{"_id": r.id, "_text": visit_search_text(r.visitor_name, r.unit, r.host_name, r.plate)}
                              for r in rows])
        last = rows[-1].id


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.String(length=255), nullable=True))
    _fill_search_text(op.get_bind())
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_site_text', ['site_id', 'checked_in_at', 'deleted_at', 'search_text',
                                                      'phone_tail', 'id'], unique=False)
        batch_op.drop_index('ix_visits_site_in')
        batch_op.create_index('ix_visits_site_still_in', ['site_id', 'checked_out_at', 'checked_in_at', 'deleted_at'],
                              unique=False)
        batch_op.drop_index('ix_visits_site_open')

    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index('ix_followups_site_opened', ['site_id', 'opened_at', 'deleted_at'], unique=False)
        batch_op.create_index('ix_followups_site_resolved', ['site_id', 'resolved_at', 'deleted_at'], unique=False)
        batch_op.create_index('ix_followups_site_due', ['site_id', 'due_at', 'deleted_at', 'resolved_at'], unique=False)


def downgrade():
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_site_due')
        batch_op.drop_index('ix_followups_site_resolved')
        batch_op.drop_index('ix_followups_site_opened')

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_site_in', ['site_id', 'checked_in_at'], unique=False)
        batch_op.create_index('ix_visits_site_open', ['site_id', 'checked_out_at', 'checked_in_at'], unique=False)
        batch_op.drop_index('ix_visits_site_still_in')
        batch_op.drop_index('ix_visits_site_text')
        batch_op.drop_column('search_text')
