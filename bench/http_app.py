"""The app as gunicorn serves it for bench/volunteers_http.py (CSRF and rate limits off: load, not abuse)."""
from webapp import create_app

app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
