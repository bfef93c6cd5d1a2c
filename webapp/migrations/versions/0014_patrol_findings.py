"""Patrol findings and what volunteers achieved (issue 18, items 3 and 4): a report may name the patrol it was
found on by the patrol's client id (it often arrives before the patrol, so no foreign key) and the 十无 item
ticked; report events get an index by actor and time, for counting each volunteer's steps in a period.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-03 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('patrol_client_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('checklist_item', sa.String(length=40), nullable=True))
        batch_op.create_index('ix_reports_patrol_client_id', ['patrol_client_id'], unique=False)
    op.create_index('ix_report_events_actor_at', 'report_events', ['actor_id', 'at'], unique=False)


def downgrade():
    op.drop_index('ix_report_events_actor_at', table_name='report_events')
    op.drop_index('ix_reports_patrol_client_id', table_name='reports')
    for column in ('checklist_item', 'patrol_client_id'):
        op.drop_column('reports', column)
