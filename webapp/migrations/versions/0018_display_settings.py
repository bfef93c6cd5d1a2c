"""Display settings follow the account: the text size (percent of the normal size) and high contrast.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-03 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (constant defaults): SQLite need not rebuild users, which other tables point at.
    op.add_column('users', sa.Column('text_scale', sa.Integer(), server_default='100', nullable=False))
    op.add_column('users', sa.Column('high_contrast', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), for the same reason: a batch rebuild of users fails with "table is locked".
    op.drop_column('users', 'high_contrast')
    op.drop_column('users', 'text_scale')
