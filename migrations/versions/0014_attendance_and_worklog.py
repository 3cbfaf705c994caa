"""attendance and work log: sign-in/out (签到/签退) and notes of the personal work log

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 15:50:00

``attendance``: one row per ``attendance.sign_in`` / ``attendance.sign_out``, with the
site-local day, the corrected and phone times, whether in uniform, and the verdict
(on_time/late, ok/early) against the threshold then set. ``worklog_notes``: notes
appended to a person's day by ``worklog.note``; never edited, never deleted.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def _recorded():
    return [
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
        sa.PrimaryKeyConstraint('id'),
    ]


def upgrade():
    op.create_table('attendance',
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('at_phone', sa.DateTime(), nullable=False),
    sa.Column('uniform', sa.Boolean(), nullable=True),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('expected', sa.String(length=5), nullable=False),
    *_recorded())
    with op.batch_alter_table('attendance') as batch:
        batch.create_index('ix_attendance_site_day', ['site_id', 'day'], unique=False)
        batch.create_index('ix_attendance_user_day', ['user_id', 'day'], unique=False)
        batch.create_index(batch.f('ix_attendance_site_id'), ['site_id'], unique=False)
        batch.create_index(batch.f('ix_attendance_user_id'), ['user_id'], unique=False)
    op.create_table('worklog_notes',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('at_phone', sa.DateTime(), nullable=False),
    sa.Column('added_later', sa.Boolean(), nullable=False),
    *_recorded())
    with op.batch_alter_table('worklog_notes') as batch:
        batch.create_index('ix_worklog_notes_user_day', ['user_id', 'day'], unique=False)
        batch.create_index(batch.f('ix_worklog_notes_site_id'), ['site_id'], unique=False)
        batch.create_index(batch.f('ix_worklog_notes_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('worklog_notes')
    op.drop_table('attendance')
