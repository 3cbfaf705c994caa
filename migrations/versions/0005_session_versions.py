"""sessions and passwords: session versions, forced password change, attempts by address

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 10:00:00

``users.session_version`` is part of every desktop session's id: raising it ends every
session of that person (sign-out, new password, deactivation, new role). Sessions made
before this revision carry no version and end at once: everyone signs in again once.
``users.must_change_password`` holds a person to the change-password page after an
administrator's reset. The sign-in throttle now also counts failures by address alone,
hence the index on ``login_attempts.address``.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempts_address'), ['address'], unique=False)


def downgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempts_address'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('session_version')
