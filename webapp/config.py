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
        # Werkzeug's scrypt: slow on purpose against stolen hashes. The test suite, which makes thousands of
        # throwaway users, sets a cheap method instead; a check reads the method from the stored hash.
        "PASSWORD_HASH_METHOD": env("PASSWORD_HASH_METHOD", "scrypt"),
        "BABEL_DEFAULT_LOCALE": "zh_Hans",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ("zh_Hans", "en"),
        # Basemap: no TILE_URL means alleys drawn on a plain background, no tile server needed.
        "TILE_URL": env("TILE_URL", ""),
        "TILE_ATTRIBUTION": env("TILE_ATTRIBUTION", ""),
        "TILE_CRS": env("TILE_CRS", "wgs84"),
        # The SpatiaLite engine's pre-built vector tiles (flask basemap build-tiles); empty: beside the database.
        "BASEMAP_TILES": env("BASEMAP_TILES", ""),
        "DEFAULT_STREET": env("DEFAULT_STREET", ""),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "application/javascript", "application/json",
                               "application/geo+json", "text/javascript", "image/svg+xml",
                               "application/vnd.mapbox-vector-tile"],  # a street's tiles gzip to half
        "COMPRESS_ALGORITHM": ["gzip"],
        "COMPRESS_MIN_SIZE": 500,
        "SNAP_RADIUS_M": float(env("SNAP_RADIUS_M", "60")),
        # Volunteers: a steward holds at most N alleys; an alley has a 管家团 of at most M.
        "CLAIMS_PER_VOLUNTEER": int(env("CLAIMS_PER_VOLUNTEER", "3")),
        "STEWARDS_PER_ALLEY": int(env("STEWARDS_PER_ALLEY", "5")),
        "INVITATION_DAYS": int(env("INVITATION_DAYS", "14")),
        # A patrol covers its alley when this share of the alley lies within the buffer of the track.
        "PATROL_COVERAGE_SHARE": float(env("PATROL_COVERAGE_SHARE", "0.6")),
        "PATROL_COVERAGE_BUFFER_M": float(env("PATROL_COVERAGE_BUFFER_M", "30")),
        "PATROL_MAX_SPEED_MS": float(env("PATROL_MAX_SPEED_MS", "12")),  # faster than a bicycle: a bad fix
        # 吹哨报到: minutes a whistled department has to report on site, per kind of whistle.
        "WHISTLE_MINUTES": {kind: int(env(f"WHISTLE_MINUTES_{kind.upper()}", "30"))
                            for kind in ("enforcement", "emergency", "key_work")},
        # Days the reporter has to answer a resolution; silence counts as "not rated", never as satisfied.
        "VERDICT_DAYS": float(env("VERDICT_DAYS", "3")),
        # Street performance (webapp/services/performance/rates.py): the chief acknowledges an escalated case within
        # ACKNOWLEDGE_HOURS; a case is due to be resolved RESOLUTION_DAYS after it was received; 基本满意
        # counts this much of a 满意 in the satisfaction rate; an alley counts as patrolled for PATROL_GAP_DAYS.
        "ACKNOWLEDGE_HOURS": float(env("ACKNOWLEDGE_HOURS", "2")),
        "RESOLUTION_DAYS": float(env("RESOLUTION_DAYS", "7")),
        "BASICALLY_SATISFIED_WEIGHT": float(env("BASICALLY_SATISFIED_WEIGHT", "0.8")),
        "PATROL_GAP_DAYS": int(env("PATROL_GAP_DAYS", "7")),
        # Coverage gaps (webapp/services/organizing/coverage.py): a volunteer with no patrol, activity check-in or report in
        # this many days is listed as inactive for the organizer to call. Reminders (webapp/services/notifications/reminders.py)
        # are pushed only between these Beijing hours (from, until), never at night.
        "INACTIVE_DAYS": int(env("INACTIVE_DAYS", "30")),
        "REMINDER_FROM_HOUR": int(env("REMINDER_FROM_HOUR", "8")),
        "REMINDER_UNTIL_HOUR": int(env("REMINDER_UNTIL_HOUR", "21")),
        # Rosters (webapp/services/organizing/teams.py, activities.py, volunteer_hours.py): an Old Neighbour takes 1 to
        # POSTS_PER_VOLUNTEER posts, joins 1 to TEAMS_PER_VOLUNTEER teams and attends ACTIVITIES_PER_YEAR
        # activities a year. Check-in opens CHECK_IN_OPENS_MINUTES before the start and closes at the end; by
        # position, within CHECK_IN_RADIUS_M of the place.
        "POSTS_PER_VOLUNTEER": int(env("POSTS_PER_VOLUNTEER", "2")),
        "TEAMS_PER_VOLUNTEER": int(env("TEAMS_PER_VOLUNTEER", "2")),
        "ACTIVITIES_PER_YEAR": int(env("ACTIVITIES_PER_YEAR", "4")),
        "CHECK_IN_OPENS_MINUTES": int(env("CHECK_IN_OPENS_MINUTES", "30")),
        "CHECK_IN_RADIUS_M": float(env("CHECK_IN_RADIUS_M", "100")),
        # The district's ranking of streets is the same for every viewer: counted at most once this often.
        "RANKING_CACHE_SECONDS": int(env("RANKING_CACHE_SECONDS", "60")),
        "CACHE_TYPE": env("CACHE_TYPE", "SimpleCache"),  # Flask-Caching; e.g. RedisCache for several servers
        # Notifications. The chief is warned this many minutes before a silent whistle's deadline.
        "WHISTLE_WARN_MINUTES": int(env("WHISTLE_WARN_MINUTES", "5")),
        # VAPID: the key in the environment (PEM or base64url), else instance/vapid_private.pem made by
        # `flask notify vapid-keys`; without one, Web Push is off and the inbox (and SMS) still work.
        "VAPID_PRIVATE_KEY": env("VAPID_PRIVATE_KEY", ""),
        "VAPID_SUBJECT": env("VAPID_SUBJECT", "mailto:alleys@example.org"),
        "PUSH_TTL_SECONDS": int(env("PUSH_TTL_SECONDS", "1800")),  # a push older than this is not worth showing
        "PUSH_TIMEOUT_SECONDS": float(env("PUSH_TIMEOUT_SECONDS", "10")),
        # Real push services are HTTPS; plain http endpoints are only for a local test service.
        "PUSH_REQUIRE_HTTPS": env("PUSH_REQUIRE_HTTPS", "1") == "1",
        "SMS_PROVIDER": env("SMS_PROVIDER", "log"),  # "log" writes each SMS to the log; "off" sends none
        "NOTIFY_MAX_ATTEMPTS": int(env("NOTIFY_MAX_ATTEMPTS", "8")),
        # A worker holds the deliveries it took this long; after that another worker may take them over.
        "NOTIFY_LEASE_SECONDS": float(env("NOTIFY_LEASE_SECONDS", "60")),
        "PUBLIC_URL": env("PUBLIC_URL", "http://127.0.0.1:5000"),  # for links in SMS
        "NOTIFY_WORKER_IN_PROCESS": env("NOTIFY_WORKER_IN_PROCESS", "0") == "1",
        # Failed sign-ins per account; per address only far more, as one Wi-Fi serves a whole community centre.
        "LOGIN_LIMIT": env("LOGIN_LIMIT", "10 per 5 minutes"),
        "LOGIN_ADDRESS_LIMIT": env("LOGIN_ADDRESS_LIMIT", "100 per 5 minutes"),
        # Open311 GeoReport v2 (/open311/v2): requests per partner key (or per address without a key).
        "OPEN311_RATE_LIMIT": env("OPEN311_RATE_LIMIT", "60 per minute"),
        "OPEN311_JURISDICTION": env("OPEN311_JURISDICTION", "beijing"),
        "OPEN311_CONTACT": env("OPEN311_CONTACT", "alleys@example.org"),
        "OPEN311_KEY_SERVICE": env("OPEN311_KEY_SERVICE", "Keys are issued by the administrator (alleys@example.org)."),
        # CSRF tokens live as long as the session: a patrol queued offline for hours is still sent.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Behind HTTPS in production set COOKIE_SECURE=1 so cookies never travel in clear text.
        "SESSION_COOKIE_SECURE": env("COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_SECURE": env("COOKIE_SECURE", "0") == "1",
    }
