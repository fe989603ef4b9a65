"""earmark salts: an earmark enters the ledger as a salted commitment, not as its text

An earmark is free text ("medical kits", but also whatever a coordinator typed), and the
ledger is public and can never be edited; the salt kept here lets the holder prove later
which earmark a donation, purchase or batch funding was committed to.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = ('money_donation', 'purchase', 'batch_funding')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('earmark_salt', sa.LargeBinary(length=16), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('earmark_salt')
