"""Report steps: evidence photos belong to the case file event that added them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 07:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_report_photos_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_report_photos_event_id_report_events'), 'report_events',
                                    ['event_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('report_photos', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_report_photos_event_id_report_events'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_report_photos_event_id'))
        batch_op.drop_column('event_id')
