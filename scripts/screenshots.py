"""Screenshots for the README: the demo street served on a loopback port, photographed by Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [OUTDIR]      # default docs/screenshots

A throwaway SpatiaLite database gets the migrations, the demo street with its demo users (`flask demo`)
and a few made-up cases, so the chief's queue and the dashboard have something to show.
"""
import logging
import os
import sys
import tempfile
import threading
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
# file name -> (viewport, demo user signing in or None, path, what to do before the shot)
SHOTS = {
    "phone-map.png": (PHONE, None, "/", None),
    "phone-report.png": (PHONE, "demo_steward", "/", "report"),
    "tablet-triage.png": (TABLET, "demo_chief", "/triage", "open-case"),
    "tablet-roster.png": (TABLET, "demo_organizer", "/roster/", None),
    "tablet-performance.png": (TABLET, "demo_chief", "/performance", None),
}
CASES = [  # (category, description, share along the alley, steps after escalation)
    ("garbage", "垃圾堆了三天，没人清运", 0.3, []),
    ("piled_goods", "门口堆放建材，挡住通道", 0.6, ["accept"]),
    ("street_light", "路灯不亮，晚上很黑", 0.5, ["accept", "whistle"]),
    ("manhole_cover", "井盖松动，踩上去晃", 0.4, []),
    ("noise", "夜里施工噪音大", 0.7, ["accept"]),
]


def make_app(workdir: Path):
    import flask_migrate

    from webapp import create_app
    from webapp.extensions import db
    from webapp.services.demo import load_demo, load_demo_basemap

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'screenshots.sqlite'}",
                      "SECRET_KEY": "screenshots", "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        flask_migrate.upgrade()
        users = {u.username: u for u in load_demo()}
        load_demo_basemap()
        seed_cases(users)
        db.session.remove()
    return app


def seed_cases(users) -> None:
    """A few reports by the demo steward, passed to the chief; some accepted, one whistled."""
    from geoalchemy2.shape import to_shape

    from webapp.extensions import db
    from webapp.models import Alley, Street
    from webapp.services.cases.reports import ReportInput, submit_report
    from webapp.services.cases.transitions import Step, transition
    from webapp.services.demo import DEMO_STREET

    street = db.session.scalar(db.select(Street).where(Street.name == DEMO_STREET))
    alleys = sorted(street.alleys, key=lambda a: a.name)
    steward, chief = users["demo_steward"], users["demo_chief"]
    for i, (category, text, share, steps) in enumerate(CASES):
        alley: Alley = alleys[i % len(alleys)]
        point = to_shape(alley.geom).geoms[0].interpolate(share, normalized=True)
        filed = submit_report(steward, ReportInput(client_id=str(uuid.uuid4()), category_code=category,
                                                   lon=point.x, lat=point.y, accuracy_m=8, description=text))
        transition(steward, filed.id, Step.ESCALATE)
        for step in steps:
            transition(chief, filed.id, Step(step))


def serve(app):
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def demo_point(app):
    """A point on the first demo alley, where the steward's phone says it is."""
    from geoalchemy2.shape import to_shape

    from webapp.extensions import db
    from webapp.models import Street
    from webapp.services.demo import DEMO_STREET

    with app.app_context():
        street = db.session.scalar(db.select(Street).where(Street.name == DEMO_STREET))
        point = to_shape(sorted(street.alleys, key=lambda a: a.name)[0].geom).geoms[0].interpolate(
            0.5, normalized=True)
        db.session.remove()
        return {"longitude": point.x, "latitude": point.y, "accuracy": 8}


def sign_in(page, base: str, username: str) -> None:
    from webapp.services.demo import DEMO_PASSWORD

    page.goto(f"{base}/login")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/**")
    if "/login" in page.url:
        raise RuntimeError(f"could not sign in as {username}")


def take(browser, base: str, name: str, shot, where, outdir: Path) -> Path:
    viewport, username, path, action = shot
    phone = viewport is PHONE
    context = browser.new_context(locale="zh-CN", viewport=viewport, device_scale_factor=1, is_mobile=phone,
                                  has_touch=True, service_workers="block", permissions=["geolocation"],
                                  geolocation=where, timezone_id="Asia/Shanghai")
    try:
        page = context.new_page()
        if username:
            sign_in(page, base, username)
        response = page.goto(f"{base}{path}")
        if response is None or response.status != 200:
            raise RuntimeError(f"{path} answered {response and response.status}")
        page.wait_for_load_state("networkidle")
        if action == "report":
            page.locator("#report-open").click()
            page.wait_for_timeout(800)
        elif action == "open-case":  # the first case's file beside the queue
            page.locator(".queue-row").first.click()
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(800)
        else:
            page.wait_for_timeout(400)
        target = outdir / name
        page.screenshot(path=str(target), full_page=False)
        return target
    finally:
        context.close()


def main(argv=None) -> list[Path]:
    argv = sys.argv[1:] if argv is None else argv
    outdir = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    outdir.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    written = []
    with tempfile.TemporaryDirectory(prefix="alleys-screenshots-") as workdir:
        os.environ.setdefault("ALLEYS_INSTANCE_DIR", workdir)  # keep instance/ (keys, uploads) untouched
        app = make_app(Path(workdir))
        where = demo_point(app)
        server = serve(app)
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                try:
                    for name, shot in SHOTS.items():
                        target = take(browser, base, name, shot, where, outdir)
                        print(target)
                        written.append(target)
                finally:
                    browser.close()
        finally:
            server.shutdown()
    return written


if __name__ == "__main__":
    main()
