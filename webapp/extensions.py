"""Flask extensions, created unbound here and bound to the app in create_app()."""
from flask_babel import Babel
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

# Stable constraint names so Alembic migrations look the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
cache = Cache()  # CACHE_TYPE: SimpleCache (per process) unless configured
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def include_in_migrations(obj, name, obj_type, reflected, compare_to) -> bool:
    """Alembic filter: our tables only, with GeoAlchemy2's handling of spatial columns and indexes."""
    from geoalchemy2 import alembic_helpers

    # Tables in the database but not in our models belong to SpatiaLite or PostGIS
    # (spatial_ref_sys, SpatialIndex, KNN, ...): never ours to drop.
    if obj_type == "table" and reflected and compare_to is None:
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)
