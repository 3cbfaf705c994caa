"""decoration permits and tenants: the front desk's registers per unit

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 14:45:04

``decoration_permits`` (装修许可): applicant, contractor, workers' names, dates and daily
hours, deposit, rules signed, status; phones pull the active ones (type ``permit``).
``rental_households`` (租户): tenants of a rented unit, their police registration
(暂住登记) and whether they were told of that duty: the site's awareness rate.
``visits.permit_id`` and ``findings.permit_id`` link a decoration worker's visit and a
decoration inspection to the permit (no foreign key, like ``findings.followup_id``: the
columns are only added, so SQLite needs no table rebuild of ``visits``).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decoration_permits',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('applicant_name', sa.String(length=60), nullable=False),
    sa.Column('applicant_phone', sa.String(length=20), nullable=True),
    sa.Column('contractor', sa.String(length=80), nullable=False),
    sa.Column('contractor_phone', sa.String(length=20), nullable=True),
    sa.Column('workers', sa.JSON(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('hours_start', sa.String(length=5), nullable=False),
    sa.Column('hours_end', sa.String(length=5), nullable=False),
    sa.Column('deposit', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('deposit_returned', sa.Boolean(), nullable=False),
    sa.Column('deposit_returned_on', sa.Date(), nullable=True),
    sa.Column('rules_signed', sa.Boolean(), nullable=False),
    sa.Column('rules_signed_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decoration_permits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decoration_permits_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_decoration_permits_site_status', ['site_id', 'status', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_decoration_permits_unit_id'), ['unit_id'], unique=False)

    op.create_table('rental_households',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('tenant_names', sa.JSON(), nullable=False),
    sa.Column('tenant_count', sa.Integer(), nullable=False),
    sa.Column('move_in_on', sa.Date(), nullable=False),
    sa.Column('moved_out_on', sa.Date(), nullable=True),
    sa.Column('registered', sa.Boolean(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('informed', sa.Boolean(), nullable=False),
    sa.Column('informed_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rental_households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rental_households_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rental_households_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('permit_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_findings_permit_id'), ['permit_id'], unique=False)

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('permit_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_visits_permit_id'), ['permit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_permit_id'))
        batch_op.drop_column('permit_id')

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_findings_permit_id'))
        batch_op.drop_column('permit_id')

    with op.batch_alter_table('rental_households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rental_households_unit_id'))
        batch_op.drop_index(batch_op.f('ix_rental_households_site_id'))

    op.drop_table('rental_households')
    with op.batch_alter_table('decoration_permits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decoration_permits_unit_id'))
        batch_op.drop_index('ix_decoration_permits_site_status')
        batch_op.drop_index(batch_op.f('ix_decoration_permits_site_id'))

    op.drop_table('decoration_permits')
