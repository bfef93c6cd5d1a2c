"""门前三包 (frontage duties): shops along alleys with the duties they signed, stewards' checks of them, and the
shop a report names (reports.shop_id).

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-03 13:20:00

"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

RESULT = sa.Enum('kept', 'warned', 'broken', name='checkresult', native_enum=False, length=10)


def upgrade():
    op.create_geospatial_table('shops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('alley_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('operator', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('duty_safety', sa.Boolean(), nullable=False),
    sa.Column('duty_sanitation', sa.Boolean(), nullable=False),
    sa.Column('duty_order', sa.Boolean(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alley_id'], ['alleys.id'], name=op.f('fk_shops_alley_id_alleys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['street_id'], ['streets.id'], name=op.f('fk_shops_street_id_streets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shops')),
    sa.UniqueConstraint('alley_id', 'name', name='uq_shops_alley_name')
    )
    op.create_geospatial_index('idx_shops_location', 'shops', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_shops_alley_id'), 'shops', ['alley_id'], unique=False)
    op.create_index(op.f('ix_shops_street_id'), 'shops', ['street_id'], unique=False)

    op.create_table('frontage_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('safety', RESULT, nullable=True),
    sa.Column('sanitation', RESULT, nullable=True),
    sa.Column('order', RESULT, nullable=True),
    sa.Column('outcome', RESULT, nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('photo_key', sa.String(length=80), nullable=True),
    sa.Column('thumb_key', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_frontage_checks_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['street_id'], ['streets.id'], name=op.f('fk_frontage_checks_street_id_streets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_frontage_checks_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frontage_checks')),
    sa.UniqueConstraint('client_id', name=op.f('uq_frontage_checks_client_id')),
    sa.UniqueConstraint('photo_key', name=op.f('uq_frontage_checks_photo_key')),
    sa.UniqueConstraint('thumb_key', name=op.f('uq_frontage_checks_thumb_key'))
    )
    op.create_index(op.f('ix_frontage_checks_shop_id'), 'frontage_checks', ['shop_id'], unique=False)
    op.create_index(op.f('ix_frontage_checks_user_id'), 'frontage_checks', ['user_id'], unique=False)
    op.create_index('ix_frontage_checks_street_checked', 'frontage_checks', ['street_id', 'checked_at'], unique=False)

    # Plain ADD COLUMN, not batch mode (see 0005): SpatiaLite's bookkeeping of reports.location would not survive
    # the copy. A plain id, as duplicate_of_id, since SQLite cannot add a named foreign key.
    op.add_column('reports', sa.Column('shop_id', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_reports_shop_id'), 'reports', ['shop_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_reports_shop_id'), table_name='reports')
    op.drop_column('reports', 'shop_id')
    op.drop_table('frontage_checks')
    op.drop_geospatial_table('shops')
