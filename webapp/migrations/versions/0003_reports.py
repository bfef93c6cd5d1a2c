"""Problem reports: categories (seeded, editable), reports with photos, followers and case file events.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 06:29:02.504605

"""
from alembic import op
import sqlalchemy as sa
import geoalchemy2
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


# The 十无 items, then the other common problems; (code, 中文, English, whistle kind, departments, safety).
DEFAULT_CATEGORIES = [
    ("illegal_structures", "违法建设", "Illegal structure", "enforcement", ["urban_management", "planning"], False),
    ("wall_openings", "开墙打洞", "Opening knocked into a wall", "enforcement", ["urban_management", "housing"], False),
    ("illegal_parking", "乱停车", "Illegal parking", "enforcement", ["traffic", "police"], False),
    ("lane_occupation", "占道经营", "Occupying the lane", "enforcement", ["urban_management"], False),
    ("overhead_cables", "乱拉线", "Tangled overhead cables", "key_work", ["urban_management"], False),
    ("damaged_facades", "破损立面", "Damaged facade", "key_work", ["housing"], False),
    ("illegal_signboards", "违规牌匾", "Illegal signboard", "enforcement", ["urban_management"], False),
    ("damaged_roads", "道路破损", "Damaged road surface", "key_work", ["urban_management"], False),
    ("illegal_trading", "无证游商", "Unlicensed street trading", "enforcement",
     ["urban_management", "market_regulation"], False),
    ("piled_goods", "堆物堆料", "Goods piled in the lane", "enforcement", ["urban_management"], False),
    ("garbage", "垃圾堆放·环境卫生", "Rubbish and sanitation", "key_work", ["urban_management"], False),
    ("manhole_cover", "设施损坏·井盖", "Damaged facility: manhole cover", "emergency", ["urban_management"], False),
    ("street_light", "设施损坏·路灯", "Damaged facility: street light", "key_work", ["urban_management"], False),
    ("fire_hazard", "安全隐患·消防", "Safety hazard: fire", "emergency", ["fire"], True),
    ("gas_hazard", "安全隐患·燃气", "Safety hazard: gas", "emergency", ["fire", "urban_management"], True),
    ("noise", "噪音", "Noise", "enforcement", ["police", "urban_management"], False),
    ("other", "其他", "Other", "key_work", [], False),
]


def upgrade():
    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=60), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('whistle_kind', sa.Enum('enforcement', 'emergency', 'key_work', name='whistlekind', native_enum=False, length=20), nullable=False),
    sa.Column('default_departments', sa.JSON(), nullable=False),
    sa.Column('is_safety', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_categories_code'))
    )
    op.create_geospatial_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('alley_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('snap_distance_m', sa.Float(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'handled_on_spot', 'escalated', name='reportstatus', native_enum=False, length=20), nullable=False),
    sa.Column('follower_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alley_id'], ['alleys.id'], name=op.f('fk_reports_alley_id_alleys'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_reports_category_id_categories')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['street_id'], ['streets.id'], name=op.f('fk_reports_street_id_streets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('client_id', name=op.f('uq_reports_client_id'))
    )
    op.create_geospatial_index('idx_reports_location', 'reports', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_reports_alley_id'), 'reports', ['alley_id'], unique=False)
    op.create_index(op.f('ix_reports_category_id'), 'reports', ['category_id'], unique=False)
    op.create_index(op.f('ix_reports_created_at'), 'reports', ['created_at'], unique=False)
    op.create_index(op.f('ix_reports_reporter_id'), 'reports', ['reporter_id'], unique=False)
    op.create_index(op.f('ix_reports_status'), 'reports', ['status'], unique=False)
    op.create_index(op.f('ix_reports_street_id'), 'reports', ['street_id'], unique=False)

    op.create_table('report_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_status', sa.Enum('submitted', 'handled_on_spot', 'escalated', name='reportstatus', native_enum=False, length=20), nullable=True),
    sa.Column('to_status', sa.Enum('submitted', 'handled_on_spot', 'escalated', name='reportstatus', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_report_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_events_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_events'))
    )
    op.create_index(op.f('ix_report_events_report_id'), 'report_events', ['report_id'], unique=False)

    op.create_table('report_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_followers_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_followers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_followers')),
    sa.UniqueConstraint('report_id', 'user_id', name='uq_report_followers_report_user')
    )
    op.create_index(op.f('ix_report_followers_report_id'), 'report_followers', ['report_id'], unique=False)
    op.create_index(op.f('ix_report_followers_user_id'), 'report_followers', ['user_id'], unique=False)

    op.create_table('report_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('thumb_key', sa.String(length=80), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_photos_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_photos')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_report_photos_storage_key')),
    sa.UniqueConstraint('thumb_key', name=op.f('uq_report_photos_thumb_key'))
    )
    op.create_index(op.f('ix_report_photos_report_id'), 'report_photos', ['report_id'], unique=False)

    categories = sa.table(
        "categories", sa.column("code", sa.String), sa.column("name_zh", sa.String), sa.column("name_en", sa.String),
        sa.column("whistle_kind", sa.String), sa.column("default_departments", sa.JSON),
        sa.column("is_safety", sa.Boolean), sa.column("active", sa.Boolean), sa.column("sort_order", sa.Integer))
    op.bulk_insert(categories, [
        {"code": code, "name_zh": zh, "name_en": en, "whistle_kind": kind, "default_departments": departments,
         "is_safety": safety, "active": True, "sort_order": order}
        for order, (code, zh, en, kind, departments, safety) in enumerate(DEFAULT_CATEGORIES)])


def downgrade():
    for table in ("report_events", "report_followers", "report_photos"):
        op.drop_table(table)
    op.drop_geospatial_table("reports")
    op.drop_table("categories")
