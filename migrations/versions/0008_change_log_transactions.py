"""change log ordered by transaction: pushes of different sites no longer wait for each other

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 12:00:00

Every writer of the change log used to take one PostgreSQL advisory lock and hold it to
commit, so that no transaction could commit a lower ``seq`` after a pull had read past
it. ``tx`` (the writing transaction's ``txid_current()``; 0 on SQLite, which has one
writer at a time) lets a pull read only what every older transaction has finished with,
in ``(tx, seq)`` order, and the lock goes. Rows written before this migration get 0: all
of them are committed, and their order stays ``seq``.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('change_log') as batch:
        batch.add_column(sa.Column('tx', sa.BigInteger(), nullable=False, server_default='0'))
        batch.create_index('ix_change_log_tx_seq', ['tx', 'seq'])


def downgrade():
    with op.batch_alter_table('change_log') as batch:
        batch.drop_index('ix_change_log_tx_seq')
        batch.drop_column('tx')
