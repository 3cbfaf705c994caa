"""watch hits: the server's watch-list matches of visits; phones pull the watch list anew

Revision ID: 0006
Revises: 0004 (for testing on this branch; 0005 once that is merged)
Create Date: 2026-12-04 09:00:00

``watch_hits`` keeps each visit whose phone, ID number or plate the server found on the
watch list when the visit arrived. Watch rows on phones carried a salt and salted hashes
that gave each number away; every watch entry and one ``watch_filter`` per site with
entries are written to the change log again, so every phone's next pull replaces those
rows with the masked ones and receives its site's filter.
"""
from datetime import datetime
from datetime import timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('watch_hits',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('watch_entry_id', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=16), nullable=False),
    sa.Column('matched_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.ForeignKeyConstraint(['watch_entry_id'], ['watch_entries.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('visit_id', 'watch_entry_id', 'field')
    )
    with op.batch_alter_table('watch_hits', schema=None) as batch_op:
        batch_op.create_index('ix_watch_hits_site_at', ['site_id', 'matched_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_hits_visit_id'), ['visit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_hits_watch_entry_id'), ['watch_entry_id'], unique=False)

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.execute(sa.text(
        "INSERT INTO change_log (entity_type, entity_id, site_id, op, version, at) "
        "SELECT 'watch', id, site_id, "
        "CASE WHEN deleted_at IS NULL AND active THEN 'upsert' ELSE 'delete' END, version, :at "
        "FROM watch_entries ORDER BY site_id, id").bindparams(at=now))
    op.execute(sa.text(
        "INSERT INTO change_log (entity_type, entity_id, site_id, op, version, at) "
        "SELECT DISTINCT 'watch_filter', site_id, site_id, 'upsert', 1, :at "
        "FROM watch_entries").bindparams(at=now))


def downgrade():
    with op.batch_alter_table('watch_hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watch_hits_watch_entry_id'))
        batch_op.drop_index(batch_op.f('ix_watch_hits_visit_id'))
        batch_op.drop_index('ix_watch_hits_site_at')
    op.drop_table('watch_hits')
