"""office indexes: visitors still inside, by site, in one index range

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 18:35:00

The gate list and the dashboard count the visitors still inside and those overdue:
``site_id = ? AND checked_out_at IS NULL AND checked_in_at < ?``. With only
``(site_id, checked_out_at)`` and ``(site_id, checked_in_at)`` SQLite takes the second and
reads a year of visits to find the few still inside (1.8 s on a million visits, see
bench/README.md). ``(site_id, checked_out_at, checked_in_at)`` answers all three terms
from the index; it also serves everything ``ix_visits_site_out`` served (its first two
columns), which it replaces.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_site_open', ['site_id', 'checked_out_at', 'checked_in_at'],
                              unique=False)
        batch_op.drop_index('ix_visits_site_out')


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_site_out', ['site_id', 'checked_out_at'], unique=False)
        batch_op.drop_index('ix_visits_site_open')
