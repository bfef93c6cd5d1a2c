"""The base map drawn with no tile server: streets, buildings, water, parks and landmarks (basemap_features).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 16:45:00

"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_geospatial_table('basemap_features',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('layer', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('minzoom', sa.SmallInteger(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('geom', Geometry(geometry_type='GEOMETRY', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_basemap_features'))
    )
    op.create_geospatial_index('idx_basemap_features_geom', 'basemap_features', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_basemap_features_layer'), 'basemap_features', ['layer'], unique=False)
    op.create_index(op.f('ix_basemap_features_source'), 'basemap_features', ['source'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_basemap_features_source'), table_name='basemap_features')
    op.drop_index(op.f('ix_basemap_features_layer'), table_name='basemap_features')
    op.drop_geospatial_table('basemap_features')
