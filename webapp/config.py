"""Settings from the environment, with safe defaults."""
import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("ALLEYS_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


def _secret_key(instance_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/ (never a constant)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def from_environment(instance_dir: Path = INSTANCE_DIR) -> dict:
    """The app's configuration; every value can be overridden by an environment variable."""
    env = os.environ.get
    return {
        "SECRET_KEY": _secret_key(instance_dir),
        "SQLALCHEMY_DATABASE_URI": env("DATABASE_URL", f"sqlite:///{instance_dir / 'alleys.sqlite'}"),
        "SPATIALITE_LIBRARY_PATH": env("SPATIALITE_LIBRARY_PATH", "mod_spatialite"),
        "BABEL_DEFAULT_LOCALE": "zh_Hans",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ("zh_Hans", "en"),
        # Basemap: no TILE_URL means alleys drawn on a plain background, no tile server needed.
        "TILE_URL": env("TILE_URL", ""),
        "TILE_ATTRIBUTION": env("TILE_ATTRIBUTION", ""),
        "TILE_CRS": env("TILE_CRS", "wgs84"),
        "DEFAULT_STREET": env("DEFAULT_STREET", ""),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "application/javascript", "application/json",
                               "application/geo+json", "text/javascript", "image/svg+xml"],
        "COMPRESS_ALGORITHM": ["gzip"],
        "COMPRESS_MIN_SIZE": 500,
        "SNAP_RADIUS_M": float(env("SNAP_RADIUS_M", "60")),
    }
