"""ledger openings: the encrypted value and salt of every commitment in a version-2 entry

From entry version 2 on, households, units and accounts enter the public ledger only as
commitments with a fresh salt per entry. This table keeps what each commitment opens to, so
the holder can open it for an auditor and a household can open its own.

A downgrade refuses while the table holds rows: dropping it would make every commitment in
the ledger impossible to open, and the ledger itself can never be rewritten. Export the rows
(or accept the loss and empty the table by hand) first.

Revision ID: 0016_unlink
Revises: 0015_witness
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_unlink'
down_revision = '0015_witness'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ledger_opening',
        sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('path', sa.String(length=160), nullable=False),
        sa.Column('subject', sa.String(length=40), nullable=True),
        sa.Column('commit_value', sa.Text(), nullable=False),
        sa.Column('commit_salt', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('idx', 'path', name=op.f('pk_ledger_opening')),
    )
    with op.batch_alter_table('ledger_opening', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_opening_subject'), ['subject'], unique=False)


def downgrade():
    rows = op.get_bind().execute(sa.text('SELECT count(*) FROM ledger_opening')).scalar()
    if rows:
        raise RuntimeError(
            f'ledger_opening holds {rows} openings; without them the ledger\'s commitments can '
            'never be opened again. Export them and empty the table before downgrading.'
        )
    with op.batch_alter_table('ledger_opening', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_opening_subject'))
    op.drop_table('ledger_opening')
