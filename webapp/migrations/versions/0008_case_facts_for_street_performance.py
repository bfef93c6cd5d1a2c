"""Case facts: one row per case with what the street rates count (webapp/services/performance/rates.py); patrols
indexed by when they ended (coverage).

Cases filed before this revision get their rows from `flask --app wsgi metrics rebuild`.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 12:58:39.283453

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_facts',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('alley_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('response_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_missed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rating', sa.String(length=12), nullable=True),
    sa.Column('unrated', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['alley_id'], ['alleys.id'], name=op.f('fk_case_facts_alley_id_alleys'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_case_facts_category_id_categories')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_case_facts_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['street_id'], ['streets.id'], name=op.f('fk_case_facts_street_id_streets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_case_facts'))
    )
    with op.batch_alter_table('case_facts', schema=None) as batch_op:
        batch_op.create_index('ix_case_facts_alley_day', ['alley_id', 'received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_facts_received_on'), ['received_on'], unique=False)
        batch_op.create_index('ix_case_facts_street_day', ['street_id', 'received_on'], unique=False)
    with op.batch_alter_table('patrols', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrols_finished_at'), ['finished_at'], unique=False)



def downgrade():
    with op.batch_alter_table('patrols', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrols_finished_at'))
    with op.batch_alter_table('case_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_case_facts_street_day')
        batch_op.drop_index(batch_op.f('ix_case_facts_received_on'))
        batch_op.drop_index('ix_case_facts_alley_day')

    op.drop_table('case_facts')
