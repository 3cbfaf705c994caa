"""complaints: classes, agreed reply times, merges and replies; the clerk role

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 15:10:00

The desk now classifies complaints, merges five or more households into one collective
event, and records each contact, reply and report back (《客户投诉记录表》), which stop the
complaint's clocks. Complaints stored before this keep their class, have no replies and
are not of common interest; nothing about them is guessed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints') as batch:
        batch.add_column(sa.Column('agreed_reply_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('merged_into', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('common_interest', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('unsatisfied', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('classified_by', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('classified_at', sa.DateTime(), nullable=True))
        batch.create_index('ix_complaints_merged_into', ['merged_into'], unique=False)
    op.create_table(
        'complaint_replies',
        sa.Column('complaint_id', sa.String(length=36), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.Column('said', sa.Text(), nullable=False),
        sa.Column('owner_opinion', sa.Text(), nullable=True),
        sa.Column('satisfaction', sa.String(length=16), nullable=True),
        sa.Column('agreed_reply_at', sa.DateTime(), nullable=True),
        sa.Column('photo_ids', sa.JSON(), nullable=False),
        sa.Column('replied_at', sa.DateTime(), nullable=False),
        sa.Column('replied_at_phone', sa.DateTime(), nullable=False),
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
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('complaint_replies') as batch:
        batch.create_index('ix_complaint_replies_complaint_id', ['complaint_id'], unique=False)
        batch.create_index('ix_complaint_replies_replied_at', ['replied_at'], unique=False)
        batch.create_index('ix_complaint_replies_site_id', ['site_id'], unique=False)
        batch.create_index('ix_complaint_replies_user_id', ['user_id'], unique=False)


def downgrade():
    op.drop_table('complaint_replies')
    with op.batch_alter_table('complaints') as batch:
        batch.drop_index('ix_complaints_merged_into')
        for column in ('classified_at', 'classified_by', 'unsatisfied', 'common_interest', 'merged_into',
                       'agreed_reply_at'):
            batch.drop_column(column)
