"""Places (streets, communities, alleys) and people (users, roles, departments).

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 05:07:03.418329

"""
from alembic import op
import sqlalchemy as sa
import geoalchemy2
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


SPATIAL_TABLES = {"streets", "alleys", "communities"}

# The departments a chief whistles (吹哨): the five fixed ones, then the "N" (房管, 规划, 园林, 文化...).
DEFAULT_DEPARTMENTS = [
    ("urban_management", "城管执法"), ("police", "公安"), ("fire", "消防"), ("traffic", "交通"),
    ("market_regulation", "市场监管"), ("housing", "房管"), ("planning", "规划"), ("parks", "园林"),
    ("culture", "文化"),
]


def upgrade():
    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('code', name=op.f('uq_departments_code')),
    sa.UniqueConstraint('name', name=op.f('uq_departments_name'))
    )
    op.create_geospatial_table('streets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('admin_code', sa.String(length=12), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_streets')),
    sa.UniqueConstraint('admin_code', name=op.f('uq_streets_admin_code')),
    sa.UniqueConstraint('name', name=op.f('uq_streets_name'))
    )
    op.create_geospatial_index('idx_streets_geom', 'streets', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('username', sa.String(length=40), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('phone IS NOT NULL OR username IS NOT NULL', name=op.f('ck_users_has_login')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('phone', name=op.f('uq_users_phone')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_geospatial_table('alleys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('length_m', sa.Float(), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTILINESTRING', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('source_segment_ids', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['street_id'], ['streets.id'], name=op.f('fk_alleys_street_id_streets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys')),
    sa.UniqueConstraint('street_id', 'name', name='uq_alleys_street_name')
    )
    op.create_geospatial_index('idx_alleys_geom', 'alleys', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_alleys_street_id'), 'alleys', ['street_id'], unique=False)

    op.create_geospatial_table('communities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.ForeignKeyConstraint(['street_id'], ['streets.id'], name=op.f('fk_communities_street_id_streets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_communities')),
    sa.UniqueConstraint('street_id', 'name', name='uq_communities_street_name')
    )
    op.create_geospatial_index('idx_communities_geom', 'communities', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_communities_street_id'), 'communities', ['street_id'], unique=False)

    op.create_table('role_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('resident', 'steward', 'old_neighbour', 'chief', 'officer', 'organizer', 'admin', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role <> 'officer' OR department_id IS NOT NULL", name=op.f('ck_role_grants_officer_has_department')),
    sa.CheckConstraint("role = 'admin' OR street_id IS NOT NULL", name=op.f('ck_role_grants_street_scoped')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_role_grants_department_id_departments')),
    sa.ForeignKeyConstraint(['street_id'], ['streets.id'], name=op.f('fk_role_grants_street_id_streets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants')),
    sa.UniqueConstraint('user_id', 'role', 'street_id', name='uq_role_grants_user_role_street')
    )
    op.create_index(op.f('ix_role_grants_street_id'), 'role_grants', ['street_id'], unique=False)
    op.create_index(op.f('ix_role_grants_user_id'), 'role_grants', ['user_id'], unique=False)

    departments = sa.table("departments", sa.column("code", sa.String), sa.column("name", sa.String))
    op.bulk_insert(departments, [{"code": code, "name": name} for code, name in DEFAULT_DEPARTMENTS])


def downgrade():
    for table in ("role_grants", "communities", "alleys", "users", "streets"):
        op.drop_geospatial_table(table) if table in SPATIAL_TABLES else op.drop_table(table)
    op.drop_table("departments")
