"""imports: import jobs and the problems of their dry runs

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.Enum('batches', 'in_kind', 'money', name='importkind', native_enum=False, length=16), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('checked', 'importing', 'done', 'failed', name='importstatus', native_enum=False, length=16), nullable=False),
    sa.Column('upload_name', sa.Text(), nullable=True),
    sa.Column('stored_name', sa.String(length=64), nullable=True),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('good_rows', sa.Integer(), nullable=False),
    sa.Column('bad_rows', sa.Integer(), nullable=False),
    sa.Column('done_rows', sa.Integer(), nullable=False),
    sa.Column('failure', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_import_job_owner_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job')),
    sa.UniqueConstraint('public_id', name=op.f('uq_import_job_public_id'))
    )
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_job_owner_id'), ['owner_id'], unique=False)

    op.create_table('import_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('row_no', sa.Integer(), nullable=False),
    sa.Column('column', sa.String(length=32), nullable=True),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('bad_value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['import_job.id'], name=op.f('fk_import_problem_job_id_import_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_problem'))
    )
    with op.batch_alter_table('import_problem', schema=None) as batch_op:
        batch_op.create_index('ix_import_problem_job_row', ['job_id', 'row_no'], unique=False)


def downgrade():
    with op.batch_alter_table('import_problem', schema=None) as batch_op:
        batch_op.drop_index('ix_import_problem_job_row')
    op.drop_table('import_problem')
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_job_owner_id'))
    op.drop_table('import_job')
