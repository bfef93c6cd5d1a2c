"""Case lifecycle: priority, merging and resolution rounds on reports; whistles to departments; verdicts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 09:10:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

WHISTLE_KIND = sa.Enum('enforcement', 'emergency', 'key_work', name='whistlekind', native_enum=False, length=20)


def upgrade():
    # Plain ADD COLUMN, not batch mode: on SQLite batch mode copies the table, which SpatiaLite's
    # geometry bookkeeping (geometry_columns, the spatial index triggers) would not survive.
    op.add_column('reports', sa.Column('priority', sa.Enum('normal', 'high', 'urgent', name='priority',
                                                           native_enum=False, length=20),
                                       server_default='normal', nullable=False))
    # The case a duplicate was merged into: a plain id, since SQLite cannot add a named foreign key.
    op.add_column('reports', sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
    op.add_column('reports', sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('reports', sa.Column('resolution_round', sa.Integer(), server_default='0', nullable=False))

    op.create_table('whistles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('kind', WHISTLE_KIND, nullable=False),
    sa.Column('status', sa.Enum('whistled', 'on_site', 'done', name='whistlestatus', native_enum=False, length=20),
              nullable=False),
    sa.Column('whistled_by_id', sa.Integer(), nullable=True),
    sa.Column('whistled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('on_site_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('on_site_lon', sa.Float(), nullable=True),
    sa.Column('on_site_lat', sa.Float(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_whistles_department_id_departments')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_whistles_report_id_reports'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['whistled_by_id'], ['users.id'], name=op.f('fk_whistles_whistled_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_whistles'))
    )
    with op.batch_alter_table('whistles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_whistles_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_whistles_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_whistles_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_whistles_due_at'), ['due_at'], unique=False)

    op.create_table('verdicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.Enum('satisfied', 'basically', 'unsatisfied', name='satisfaction',
                                      native_enum=False, length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('is_reporter', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_verdicts_report_id_reports'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_verdicts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdicts')),
    sa.UniqueConstraint('report_id', 'user_id', 'round', name='uq_verdicts_report_user_round')
    )
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verdicts_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_verdicts_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('verdicts')
    op.drop_table('whistles')
    for column in ('resolution_round', 'resolved_at', 'duplicate_of_id', 'priority'):
        op.drop_column('reports', column)
