"""The street's scores of its departments (评价权): one score per whistle (on time, attitude, result, each 1-5,
and a comment), and every version of it with who gave it and when.

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-03 13:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

MARKS = ('on_time', 'attitude', 'result')


def _marks(table):
    return [sa.CheckConstraint(f'{mark} BETWEEN 1 AND 5', name=op.f(f'ck_{table}_{mark}_1_to_5')) for mark in MARKS]


def upgrade():
    op.create_table('department_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('whistle_id', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.Column('attitude', sa.Integer(), nullable=False),
    sa.Column('result', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.Column('scored_by_id', sa.Integer(), nullable=True),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    *_marks('department_scores'),
    sa.ForeignKeyConstraint(['scored_by_id'], ['users.id'], name=op.f('fk_department_scores_scored_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['whistle_id'], ['whistles.id'], name=op.f('fk_department_scores_whistle_id_whistles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_scores')),
    sa.UniqueConstraint('whistle_id', name='uq_department_scores_whistle_id')
    )
    op.create_table('department_score_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('score_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.Column('attitude', sa.Integer(), nullable=False),
    sa.Column('result', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    *_marks('department_score_revisions'),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_department_score_revisions_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['score_id'], ['department_scores.id'], name=op.f('fk_department_score_revisions_score_id_department_scores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_score_revisions')),
    sa.UniqueConstraint('score_id', 'version', name='uq_department_score_revisions_score_version')
    )
    with op.batch_alter_table('department_score_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_score_revisions_score_id'), ['score_id'], unique=False)


def downgrade():
    with op.batch_alter_table('department_score_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_score_revisions_score_id'))
    op.drop_table('department_score_revisions')
    op.drop_table('department_scores')
