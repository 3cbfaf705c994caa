"""office review: patrol plans, stock-difference decisions, conflict resolutions, list indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 17:46:33.057349

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_site_lodged', ['site_id', 'lodged_at'], unique=False)

    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolution', sa.String(length=16), nullable=True))

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index('ix_findings_site_found', ['site_id', 'found_at'], unique=False)

    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index('ix_followups_site_status_due', ['site_id', 'status', 'due_at'], unique=False)

    with op.batch_alter_table('patrols', schema=None) as batch_op:
        batch_op.create_index('ix_patrols_site_started', ['site_id', 'started_at'], unique=False)

    with op.batch_alter_table('routes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('walker_role', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('walker_ids', sa.JSON(), nullable=False, server_default='[]'))

    with op.batch_alter_table('stock_checks', schema=None) as batch_op:
        batch_op.create_index('ix_stock_checks_site_started', ['site_id', 'started_at'], unique=False)

    with op.batch_alter_table('stock_counts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('adjustment_id', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key('fk_stock_counts_reviewed_by_users', 'users', ['reviewed_by'], ['id'])

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_site_in', ['site_id', 'checked_in_at'], unique=False)
        batch_op.create_index('ix_visits_site_out', ['site_id', 'checked_out_at'], unique=False)



def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_site_out')
        batch_op.drop_index('ix_visits_site_in')

    with op.batch_alter_table('stock_counts', schema=None) as batch_op:
        batch_op.drop_constraint('fk_stock_counts_reviewed_by_users', type_='foreignkey')
        batch_op.drop_column('adjustment_id')
        batch_op.drop_column('review_note')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by')
        batch_op.drop_column('review')

    with op.batch_alter_table('stock_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_checks_site_started')

    with op.batch_alter_table('routes', schema=None) as batch_op:
        batch_op.drop_column('walker_ids')
        batch_op.drop_column('walker_role')
        batch_op.drop_column('repeat_minutes')

    with op.batch_alter_table('patrols', schema=None) as batch_op:
        batch_op.drop_index('ix_patrols_site_started')

    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_site_status_due')

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_site_found')

    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_column('resolution')

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_site_lodged')

