"""manager reports (日清 / 周总结) and the monthly checklist's sign-offs

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 17:40:00

``manager_reports``: one row per ``report.submit`` — the writer, the kind (daily / weekly),
the period (the day, or the Monday of the week), the corrected time it was submitted and
what was done, what remains and the plan. Never edited; a second one of a period is kept.
``checklist_signoffs``: one row per site, item and month (unique), with who signed and when.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('manager_reports',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at_phone', sa.DateTime(), nullable=False),
    sa.Column('done', sa.Text(), nullable=False),
    sa.Column('open_items', sa.Text(), nullable=True),
    sa.Column('plan', sa.Text(), nullable=True),
    sa.Column('site_id', sa.String(length=36), sa.ForeignKey('sites.id'), nullable=False),
    sa.Column('user_id', sa.String(length=36), sa.ForeignKey('users.id'), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('mutation_id', sa.String(length=36), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('clock_flag', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('manager_reports') as batch:
        batch.create_index('ix_manager_reports_site_kind_period', ['site_id', 'kind', 'period'], unique=False)
        batch.create_index(batch.f('ix_manager_reports_site_id'), ['site_id'], unique=False)
        batch.create_index(batch.f('ix_manager_reports_user_id'), ['user_id'], unique=False)
    op.create_table('checklist_signoffs',
    sa.Column('site_id', sa.String(length=36), sa.ForeignKey('sites.id'), nullable=False),
    sa.Column('item', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('signed_by', sa.String(length=36), sa.ForeignKey('users.id'), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('mutation_id', sa.String(length=36), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('site_id', 'item', 'year', 'month', name='uq_checklist_signoffs_item_month'))
    with op.batch_alter_table('checklist_signoffs') as batch:
        batch.create_index(batch.f('ix_checklist_signoffs_site_id'), ['site_id'], unique=False)


def downgrade():
    op.drop_table('checklist_signoffs')
    op.drop_table('manager_reports')
