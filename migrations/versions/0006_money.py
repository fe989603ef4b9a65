"""money: a purchase's and a batch funding's earmark, when a batch was funded

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('purchase', schema=None) as batch_op:
        batch_op.add_column(sa.Column('earmark', sa.String(length=120), nullable=True))
    with op.batch_alter_table('batch_funding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('earmark', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('funded_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('batch_funding', schema=None) as batch_op:
        batch_op.drop_column('funded_on')
        batch_op.drop_column('earmark')
    with op.batch_alter_table('purchase', schema=None) as batch_op:
        batch_op.drop_column('earmark')
