"""visitors' numbers encrypted: visits, watch list and sync journal; lookup MACs; audit log

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-04 10:00:00

Visitors' ID and phone numbers were stored in plain text in ``visits``, ``watch_entries``
and inside the sync journal's bodies. From here on they are encrypted with the data key
(``app/privacy``): the columns widen to hold ciphertext, keyed lookup MACs (and a
phone's last four digits on visits) take over exact-match search and watch-list matching,
``sync_journal.has_numbers`` marks the rows that hold any (for the privacy purge), and
``audit_log`` records every reveal of a full number and every export of personal data.

The data step encrypts what is already stored. It runs inside ``flask db upgrade``, whose
app context gives it the data key (``DATA_KEY``, or ``instance/data_key``, made on first
use): back that key up before upgrading a database with visitors in it. The downgrade
decrypts again with the same key.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    from app.privacy.backfill import encrypt_existing

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.alter_column('phone', existing_type=sa.String(length=20), type_=sa.String(length=255),
                              existing_nullable=True)
        batch_op.alter_column('id_number', existing_type=sa.String(length=32), type_=sa.String(length=255),
                              existing_nullable=True)
        batch_op.add_column(sa.Column('phone_mac', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('id_mac', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone_tail', sa.String(length=4), nullable=True))
        batch_op.create_index(batch_op.f('ix_visits_phone_mac'), ['phone_mac'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_id_mac'), ['id_mac'], unique=False)

    with op.batch_alter_table('watch_entries', schema=None) as batch_op:
        batch_op.alter_column('phone', existing_type=sa.String(length=20), type_=sa.String(length=255),
                              existing_nullable=True)
        batch_op.alter_column('id_number', existing_type=sa.String(length=32), type_=sa.String(length=255),
                              existing_nullable=True)
        batch_op.add_column(sa.Column('phone_mac', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('id_mac', sa.String(length=64), nullable=True))

    with op.batch_alter_table('sync_journal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('has_numbers', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_sync_journal_numbers', ['has_numbers', 'received_at'], unique=False)

    op.create_table('audit_log',
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('target_type', sa.String(length=32), nullable=False),
    sa.Column('target_id', sa.String(length=36), nullable=True),
    sa.Column('field', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=True),
    sa.Column('site_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_audit_log_user_at', ['user_id', 'at'], unique=False)

    encrypt_existing(op.get_bind())


def downgrade():
    from app.privacy.backfill import decrypt_existing

    decrypt_existing(op.get_bind())

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_user_at')
        batch_op.drop_index(batch_op.f('ix_audit_log_site_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
    op.drop_table('audit_log')

    with op.batch_alter_table('sync_journal', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_journal_numbers')
        batch_op.drop_column('has_numbers')

    with op.batch_alter_table('watch_entries', schema=None) as batch_op:
        batch_op.drop_column('id_mac')
        batch_op.drop_column('phone_mac')
        batch_op.alter_column('id_number', existing_type=sa.String(length=255), type_=sa.String(length=32),
                              existing_nullable=True)
        batch_op.alter_column('phone', existing_type=sa.String(length=255), type_=sa.String(length=20),
                              existing_nullable=True)

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_id_mac'))
        batch_op.drop_index(batch_op.f('ix_visits_phone_mac'))
        batch_op.drop_column('phone_tail')
        batch_op.drop_column('id_mac')
        batch_op.drop_column('phone_mac')
        batch_op.alter_column('id_number', existing_type=sa.String(length=255), type_=sa.String(length=32),
                              existing_nullable=True)
        batch_op.alter_column('phone', existing_type=sa.String(length=255), type_=sa.String(length=20),
                              existing_nullable=True)
