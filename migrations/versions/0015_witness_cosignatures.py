"""witness cosignatures: what independent witnesses signed, and the last word from each

Revision ID: 0015_witness
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_witness'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('witness_contact',
    sa.Column('witness_key', sa.String(length=400), nullable=False),
    sa.Column('known_size', sa.BigInteger(), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('witness_key', name=op.f('pk_witness_contact'))
    )
    op.create_table('witness_cosignature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('witness_key', sa.String(length=400), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.Column('line', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['size'], ['ledger_checkpoint.size'], name=op.f('fk_witness_cosignature_size_ledger_checkpoint')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_witness_cosignature')),
    sa.UniqueConstraint('witness_key', 'size', name=op.f('uq_witness_cosignature_witness_key_size'))
    )
    with op.batch_alter_table('witness_cosignature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_witness_cosignature_size'), ['size'], unique=False)


def downgrade():
    with op.batch_alter_table('witness_cosignature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_witness_cosignature_size'))
    op.drop_table('witness_cosignature')
    op.drop_table('witness_contact')
