"""Reminders sent (activity tomorrow, alley not patrolled): one row per reminder, unique per attendance and per
(claim, nth), so each goes once however many workers run the job. New notification kinds need no change: the
kind column is plain text.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21 17:08:18.456672

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('escalated', 'whistled', 'whistle_due_soon', 'whistle_overdue', 'resolved', 'verdict_requested', 'reopened', 'rejected', 'partner_update', 'activity_tomorrow', 'alley_unpatrolled', 'alleys_released', name='notificationkind', native_enum=False, length=30), nullable=False),
    sa.Column('attendance_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('nth', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(attendance_id IS NULL) <> (claim_id IS NULL)', name=op.f('ck_reminders_one_subject')),
    sa.ForeignKeyConstraint(['attendance_id'], ['attendances.id'], name=op.f('fk_reminders_attendance_id_attendances'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_reminders_claim_id_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('attendance_id', name='uq_reminders_attendance_id'),
    sa.UniqueConstraint('claim_id', 'nth', name='uq_reminders_claim_id_nth')
    )


def downgrade():
    op.drop_table('reminders')
