"""earmark salts: an earmark enters the ledger as a salted commitment, not as its text

An earmark is free text ("medical kits", but also whatever a coordinator typed), and the
ledger is public and can never be edited; the salt kept here lets the holder prove later
which earmark a donation, purchase or batch funding was committed to.

A downgrade must not destroy the salts: without them the commitments already in the ledger
can never be opened again. So it parks them in `earmark_salt_kept` and the upgrade puts them
back (and drops that table); down and up again loses nothing.

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
KEPT = 'earmark_salt_kept'
kept = sa.table(KEPT, sa.column('table_name'), sa.column('row_id'), sa.column('salt'))


def _rows(table):
    return sa.table(table, sa.column('id'), sa.column('earmark_salt'))


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('earmark_salt', sa.LargeBinary(length=16), nullable=True))
    if KEPT not in sa.inspect(op.get_bind()).get_table_names():
        return
    for table in TABLES:
        rows = _rows(table)
        salt = (sa.select(kept.c.salt)
                .where(kept.c.table_name == table, kept.c.row_id == rows.c.id)
                .scalar_subquery())
        op.execute(rows.update().values(earmark_salt=salt))
    op.drop_table(KEPT)


def downgrade():
    op.create_table(
        KEPT,
        sa.Column('table_name', sa.String(length=32), nullable=False),
        sa.Column('row_id', sa.Integer(), nullable=False),
        sa.Column('salt', sa.LargeBinary(length=16), nullable=False),
        sa.PrimaryKeyConstraint('table_name', 'row_id', name=op.f('pk_earmark_salt_kept')),
    )
    for table in TABLES:
        rows = _rows(table)
        op.execute(kept.insert().from_select(
            ['table_name', 'row_id', 'salt'],
            sa.select(sa.literal(table), rows.c.id, rows.c.earmark_salt)
            .where(rows.c.earmark_salt.is_not(None))))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('earmark_salt')
