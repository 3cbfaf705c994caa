"""post phones and shifts: a shared phone per gate post, people working on it in shifts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 13:20:00

A gate's phone belongs to the post (东门岗), not to a person. A post is a user of role
``post`` without a password; an admin registers a phone to it with a one-time code
(``post_enrolments``, hash only, a day to use it). Guards start and end shifts on that
phone with a PIN (``users.pin_hash``, checked on the phone with no network), and the
server accepts what the phone records in a person's name only within a shift of theirs
on that phone (``shifts``).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('pin_hash', sa.String(length=120), nullable=True))
    op.create_table('post_enrolments',
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    with op.batch_alter_table('post_enrolments') as batch:
        batch.create_index(batch.f('ix_post_enrolments_post_id'), ['post_id'], unique=False)
    op.create_table('shifts',
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('started_at_phone', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at_phone', sa.DateTime(), nullable=True),
    sa.Column('ended_received_at', sa.DateTime(), nullable=True),
    sa.Column('handover_note', sa.Text(), nullable=True),
    sa.Column('inside_count', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('mutation_id', sa.String(length=36), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('clock_flag', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('shifts') as batch:
        batch.create_index('ix_shifts_device_user', ['device_id', 'user_id'], unique=False)
        batch.create_index(batch.f('ix_shifts_post_id'), ['post_id'], unique=False)
        batch.create_index(batch.f('ix_shifts_site_id'), ['site_id'], unique=False)
        batch.create_index(batch.f('ix_shifts_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('shifts')
    op.drop_table('post_enrolments')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('pin_hash')
