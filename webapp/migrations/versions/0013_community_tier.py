"""The community tier (小事不出社区、大事不出街道): community workers' grants and invitations name their community;
a case knows the community it lies in and the one holding it; categories may go to the street first.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 13:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # role_grants and invitations hold no geometry: batch mode may copy them (SQLite adds a named foreign key and
    # a check constraint only so).
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('community_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_role_grants_community_id_communities'), 'communities',
                                    ['community_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_role_grants_community_id'), ['community_id'], unique=False)
        batch_op.create_check_constraint('worker_has_community',
                                         "role <> 'community_worker' OR community_id IS NOT NULL")
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('community_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invitations_community_id_communities'), 'communities',
                                    ['community_id'], ['id'], ondelete='CASCADE')
    # categories is referenced by reports: a plain ADD COLUMN, since batch mode's copy would drop a referenced table.
    op.add_column('categories', sa.Column('street_first', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Safety hazards go to the chief at filing already; marked street first too, so the page says what they do.
    op.execute(sa.text("UPDATE categories SET street_first = is_safety"))

    # reports is spatial: plain ADD COLUMN (batch mode would lose SpatiaLite's geometry bookkeeping), so plain ids,
    # as duplicate_of_id in 0005.
    op.add_column('reports', sa.Column('community_id', sa.Integer(), nullable=True))
    op.add_column('reports', sa.Column('held_by_community_id', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_reports_community_id'), 'reports', ['community_id'], unique=False)
    op.create_index(op.f('ix_reports_held_by_community_id'), 'reports', ['held_by_community_id'], unique=False)

    op.add_column('case_facts', sa.Column('community_id', sa.Integer(), nullable=True))
    op.create_index('ix_case_facts_community_day', 'case_facts', ['community_id', 'received_on'], unique=False)


def downgrade():
    op.drop_index('ix_case_facts_community_day', table_name='case_facts')
    with op.batch_alter_table('case_facts', schema=None) as batch_op:
        batch_op.drop_column('community_id')
    op.drop_index(op.f('ix_reports_held_by_community_id'), table_name='reports')
    op.drop_index(op.f('ix_reports_community_id'), table_name='reports')
    op.drop_column('reports', 'held_by_community_id')
    op.drop_column('reports', 'community_id')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('street_first')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invitations_community_id_communities'), type_='foreignkey')
        batch_op.drop_column('community_id')
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint('worker_has_community', type_='check')
        batch_op.drop_index(batch_op.f('ix_role_grants_community_id'))
        batch_op.drop_constraint(batch_op.f('fk_role_grants_community_id_communities'), type_='foreignkey')
        batch_op.drop_column('community_id')
