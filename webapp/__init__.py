"""The Alley Stewards (小巷管家) web app: create_app() builds it; nothing runs at import time."""
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale
from sqlalchemy.orm import joinedload

from webapp import config as settings
from webapp.extensions import babel, cache, compress, csrf, db, limiter, login_manager, migrate
from webapp.spatialite import attach_spatialite

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


def select_locale() -> str:
    """?lang= (remembered in the session), else the browser's preference, else Chinese."""
    languages = ("zh_Hans", "en")
    if not has_request_context():  # CLI commands speak the default language
        return languages[0]
    asked = request.args.get("lang")
    stateless = request.path.startswith("/open311/")  # partner systems ask for a language with each request
    if asked in languages:
        if not stateless:
            session["lang"] = asked
        return asked
    if not stateless and session.get("lang") in languages:
        return session["lang"]
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    return "en" if best == "en" else "zh_Hans"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(settings.INSTANCE_DIR))
    app.config.update(settings.from_environment(Path(app.instance_path)))
    app.config.update(config or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    with app.app_context():
        attach_spatialite(db.engine, app.config["SPATIALITE_LIBRARY_PATH"])
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.json.ensure_ascii = False  # Chinese names as text: smaller and readable
    compress.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)

    from webapp import models  # noqa: F401  (registers the models with SQLAlchemy)
    from webapp.models import User

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, token = session_id.partition(":")
        # Roles come along in the same query: nearly every request asks a policy, and policies read them.
        user = db.session.get(User, int(user_id), options=[joinedload(User.grants)]) if user_id.isdigit() else None
        return user if user is not None and token == user.login_token else None

    from webapp.api import bp as api_bp
    from webapp.auth import bp as auth_bp
    from webapp.auth import unauthorized
    from webapp.map import bp as map_bp
    from webapp.notifications import bp as notifications_bp
    from webapp.open311 import bp as open311_bp
    from webapp.pwa import bp as pwa_bp
    from webapp.pwa.assets import asset_url
    from webapp.pwa.offline import offline_keep
    from webapp.reports import bp as reports_bp
    from webapp.categories import bp as categories_bp
    from webapp.department import bp as department_bp
    from webapp.triage import bp as triage_bp
    from webapp.community import bp as community_bp
    from webapp.performance import bp as performance_bp
    from webapp.roster import bp as roster_bp
    from webapp.activities import bp as activities_bp
    from webapp.patrols import bp as patrols_bp
    from webapp.frontage import bp as frontage_bp
    from webapp.vendor import bp as vendor_bp
    from webapp.tiles import bp as tiles_bp

    login_manager.unauthorized_handler(unauthorized)
    app.register_blueprint(map_bp)
    app.register_blueprint(tiles_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(categories_bp)
    app.register_blueprint(triage_bp)
    app.register_blueprint(community_bp)
    app.register_blueprint(performance_bp)
    app.register_blueprint(department_bp)
    app.register_blueprint(roster_bp)
    app.register_blueprint(activities_bp)
    app.register_blueprint(patrols_bp)
    app.register_blueprint(frontage_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(pwa_bp)
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["offline_keep"] = offline_keep
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(open311_bp, url_prefix="/open311/v2")
    app.register_blueprint(vendor_bp, url_prefix="/static/vendor")

    from webapp.errors import register_error_handlers
    from webapp.cli import register_cli

    register_error_handlers(app)
    register_cli(app)
    if app.config["NOTIFY_WORKER_IN_PROCESS"]:
        start_worker_thread(app)
    return app


def start_worker_thread(app: Flask) -> None:
    """`make run`: the notification worker in a daemon thread of the web process (one process, no cron).
    In production run `flask notify worker` as its own service instead."""
    import os
    import threading

    from webapp.services.notifications.delivery import run_worker

    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return  # the reloader's watcher process serves nothing; its child runs the worker
    threading.Thread(target=run_worker, args=(app,), name="notify-worker", daemon=True).start()
