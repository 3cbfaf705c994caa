"""visits.id_kind: the document a visitor showed, as the guard chose it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 12:30:00

Guards now choose the kind of document (resident ID card, another document, none) before
typing its number, so that "no document" is a recorded answer rather than a blank, and a
resident ID number is checked against its GB 11643 check character. Visits stored before
this have no kind (``NULL``): what the guard would have chosen is not known.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits') as batch:
        batch.add_column(sa.Column('id_kind', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('visits') as batch:
        batch.drop_column('id_kind')
