"""Indexes for the street dashboard at a million cases: case_facts' street index covers what the rates read
(PostgreSQL answers a street's period from the index alone), whistles' report index covers what a
department's response reads, and a partial index holds the whistles still waiting for their department.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 15:16:50.933518

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

COUNTED_COLUMNS = ["report_id", "alley_id", "category_id", "outcome", "response_from", "response_missed_at",
                   "resolution_due_at", "rating", "unrated", "lon", "lat"]  # as of this revision
WAITING = sa.text("status = 'whistled' AND closed_at IS NULL")


def upgrade():
    op.drop_index('ix_case_facts_street_day', table_name='case_facts')
    op.create_index('ix_case_facts_street_day', 'case_facts', ['street_id', 'received_on'],
                    postgresql_include=COUNTED_COLUMNS)
    op.drop_index('ix_whistles_report_id', table_name='whistles')
    op.create_index('ix_whistles_report_id', 'whistles', ['report_id'],
                    postgresql_include=['department_id', 'due_at', 'on_site_at'])
    op.create_index('ix_whistles_waiting_due', 'whistles', ['due_at'],
                    postgresql_include=['id', 'report_id', 'department_id'],
                    postgresql_where=WAITING, sqlite_where=WAITING)


def downgrade():
    op.drop_index('ix_whistles_waiting_due', table_name='whistles')
    op.drop_index('ix_whistles_report_id', table_name='whistles')
    op.create_index('ix_whistles_report_id', 'whistles', ['report_id'])
    op.drop_index('ix_case_facts_street_day', table_name='case_facts')
    op.create_index('ix_case_facts_street_day', 'case_facts', ['street_id', 'received_on'])
