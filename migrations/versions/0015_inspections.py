"""staff inspections: 书面考核 (《服务过程检验单》)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 16:30:00

``inspections``: one row per ``inspection.record`` — the inspector (``user_id``), the
person inspected and their post, the site-local day, the checklist (item → ok), a score
out of 100 and notes. Never edited.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inspections',
    sa.Column('person_id', sa.String(length=36), sa.ForeignKey('users.id'), nullable=False),
    sa.Column('post', sa.String(length=32), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('at_phone', sa.DateTime(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
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
    with op.batch_alter_table('inspections') as batch:
        batch.create_index('ix_inspections_site_day', ['site_id', 'day'], unique=False)
        batch.create_index(batch.f('ix_inspections_person_id'), ['person_id'], unique=False)
        batch.create_index(batch.f('ix_inspections_site_id'), ['site_id'], unique=False)
        batch.create_index(batch.f('ix_inspections_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('inspections')
