"""The volunteer's map page on a throttled phone: largest contentful paint and bytes, first and repeat load."""
import logging
import re
import tempfile
import threading
from pathlib import Path

import flask_migrate
from werkzeug.serving import make_server

import bench.common  # noqa: F401  (keeps the apps' instance folder out of the developer's)
from webapp import create_app
from webapp.extensions import db
from webapp.services.demo import DEMO_PASSWORD, load_demo

CHROMIUM = "/usr/bin/chromium"
# Lighthouse's mobile profile as Chromium emulates it: "Fast 3G" (1.6 Mbps down, 750 kbps up, 150 ms RTT),
# the CPU slowed 4x, a 390x844 phone.
FAST_3G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4
PHONE = {"width": 390, "height": 844}
# The largest paint so far, kept by an observer registered before the page's own scripts run.
LCP_OBSERVER = """window.__lcp = 0; new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__lcp = entry.startTime; })
  .observe({type: 'largest-contentful-paint', buffered: true});"""


def demo_app(folder: Path):
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret", "RATELIMIT_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade()
        load_demo()
        db.session.remove()
    return app


def sign_in(context, base) -> None:
    """Through the form's POST, opening no page: the first load finds no service worker and an empty cache."""
    form = context.request.get(f"{base}/login").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    context.request.post(f"{base}/login", form={"csrf_token": token, "login": "demo_steward",
                                                "password": DEMO_PASSWORD})


def measure(page, cdp, url) -> tuple[float, int]:
    """(LCP in ms, bytes transferred) for one load of `url` that ends with the alleys drawn."""
    sizes, cached = {}, set()
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    page.goto(url, wait_until="load")
    page.locator("path.alley-line").first.wait_for(timeout=120_000)
    page.wait_for_timeout(500)  # a paint after the alleys still counts
    lcp = page.evaluate("window.__lcp")
    return lcp, sum(size for rid, size in sizes.items() if rid not in cached)


def main():
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="alleys-bench-weight-") as tmp:
        app = demo_app(Path(tmp))
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would bury the figures
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=["--no-sandbox", "--disable-gpu"])
                context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
                context.add_init_script(LCP_OBSERVER)
                sign_in(context, base)
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.emulateNetworkConditions", FAST_3G)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
                first = measure(page, cdp, f"{base}/")
                page.evaluate("navigator.serviceWorker.ready")  # installed, as by a volunteer's next visit
                repeat = measure(page, cdp, f"{base}/")
                browser.close()
        finally:
            server.shutdown()
    print("Map page (signed-in steward, phone 390x844, Fast 3G 1.6 Mbps/750 kbps/150 ms RTT, CPU 4x slower)")
    for name, (lcp, transferred) in (("first load", first), ("repeat load", repeat)):
        print(f"  {name:12} LCP {lcp / 1000:5.2f} s   {transferred / 1024:6.1f} KB transferred")


if __name__ == "__main__":
    main()
