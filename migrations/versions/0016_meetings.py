"""meetings: 晨会 and 周例会

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 17:30:00

``meetings``: one row per ``meeting.record`` — the site, the kind (``morning`` /
``weekly``), when it started (corrected, and as the phone said), the chair, the attendees
(a JSON list of user ids), who was missing and why, today's assignments, the summary of
yesterday (of the week) and notes. Never edited.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meetings',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('started_at_phone', sa.DateTime(), nullable=False),
    sa.Column('chaired_by', sa.String(length=36), sa.ForeignKey('users.id'), nullable=False),
    sa.Column('attendee_ids', sa.JSON(), nullable=False),
    sa.Column('absent_note', sa.Text(), nullable=True),
    sa.Column('assignments', sa.Text(), nullable=True),
    sa.Column('yesterday_summary', sa.Text(), nullable=True),
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
    with op.batch_alter_table('meetings') as batch:
        batch.create_index('ix_meetings_site_started', ['site_id', 'started_at'], unique=False)
        batch.create_index(batch.f('ix_meetings_chaired_by'), ['chaired_by'], unique=False)
        batch.create_index(batch.f('ix_meetings_site_id'), ['site_id'], unique=False)
        batch.create_index(batch.f('ix_meetings_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('meetings')
