"""Alley chiefs (街巷长 per alley): one open assignment per alley (a partial unique index), ended ones kept as
history; and the kind of request (咨询 / 建议 / 举报 / 投诉) on reports, NULL for the cases filed before.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OPEN = sa.text('ended_at IS NULL')


def upgrade():
    op.create_table('alley_chiefs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alley_id', sa.Integer(), nullable=False),
    sa.Column('chief_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['alley_id'], ['alleys.id'], name=op.f('fk_alley_chiefs_alley_id_alleys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chief_id'], ['users.id'], name=op.f('fk_alley_chiefs_chief_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_alley_chiefs_assigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_alley_chiefs_ended_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alley_chiefs'))
    )
    with op.batch_alter_table('alley_chiefs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alley_chiefs_alley_id'), ['alley_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alley_chiefs_chief_id'), ['chief_id'], unique=False)
        batch_op.create_index('uq_alley_chiefs_open_alley', ['alley_id'], unique=True, sqlite_where=OPEN,
                              postgresql_where=OPEN)

    # Plain ADD COLUMN, not batch mode: on SQLite batch mode copies the table, which SpatiaLite's
    # geometry bookkeeping (geometry_columns, the spatial index triggers) would not survive.
    op.add_column('reports', sa.Column('request_kind', sa.Enum('consultation', 'suggestion', 'report', 'complaint',
                                                               name='requestkind', native_enum=False, length=20),
                                       nullable=True))


def downgrade():
    op.drop_column('reports', 'request_kind')  # SQLite 3.35+ drops a column in place, as 0005 does

    with op.batch_alter_table('alley_chiefs', schema=None) as batch_op:
        batch_op.drop_index('uq_alley_chiefs_open_alley', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_index(batch_op.f('ix_alley_chiefs_chief_id'))
        batch_op.drop_index(batch_op.f('ix_alley_chiefs_alley_id'))

    op.drop_table('alley_chiefs')
