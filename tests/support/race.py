"""Run a few calls at the same moment, each on its own app and database connection, as simultaneous requests."""
import threading

from tests.conftest import config_for
from webapp import create_app
from webapp.errors import DomainError
from webapp.extensions import db


def race(database_url: str, calls, settings: dict | None = None) -> list[str]:
    """Each call (a function of no arguments, run in its own app context) waits at a barrier so all start
    together; returns, sorted, "won" or the DomainError code of each."""
    db.session.remove()
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def attempt(call, racer_app):
        with racer_app.app_context():
            barrier.wait()
            try:
                call()
                outcomes.append("won")
            except DomainError as err:
                outcomes.append(err.code)
            finally:
                db.session.remove()
                db.engine.dispose()

    # The apps are made here, one after the other: CPython 3.11's ast.parse (werkzeug compiles each URL rule with it)
    # is not safe in two threads at once ("AST constructor recursion depth mismatch"); only the calls race.
    apps = [create_app(config_for(database_url) | (settings or {})) for _ in calls]
    threads = [threading.Thread(target=attempt, args=(call, racer_app)) for call, racer_app in zip(calls, apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(outcomes)
