"""ledger openings: the encrypted value and salt of every commitment in a version-2 entry

From entry version 2 on, households, units and accounts enter the public ledger only as
commitments with a fresh salt per entry. This table keeps what each commitment opens to, so
the holder can open it for an auditor and a household can open its own.

A downgrade must not lose the rows: without them every commitment in the ledger could never
be opened again, and the ledger itself can never be rewritten. So a downgrade parks them in
`ledger_opening_kept` and the upgrade puts them back (as 0014 does with earmark salts); a
downgrade through 0001, which removes the ledger itself, drops the parked table too.

Revision ID: 0016_unlink
Revises: 0015_witness
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_unlink'
down_revision = '0015_witness'
branch_labels = None
depends_on = None


KEPT = 'ledger_opening_kept'


def upgrade():
    if sa.inspect(op.get_bind()).has_table(KEPT):
        op.rename_table(KEPT, 'ledger_opening')
    else:
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
    with op.batch_alter_table('ledger_opening', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_opening_subject'))
    rows = op.get_bind().execute(sa.text('SELECT count(*) FROM ledger_opening')).scalar()
    if rows:
        op.rename_table('ledger_opening', KEPT)
    else:
        op.drop_table('ledger_opening')
