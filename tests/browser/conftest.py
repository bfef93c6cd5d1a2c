"""Browser fixtures: Debian's Chromium through Playwright, the app on a loopback port, pages that fail on JS errors."""
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 1024, "height": 768},
             "desktop": {"width": 1440, "height": 900}}


@pytest.fixture(scope="module")
def playwright():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright (python) is not installed")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def profile_browser(playwright, tmp_path):
    """A browser with a real (non-incognito) profile, as an installed app has."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        viewport=VIEWPORTS["phone"], locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def live_server(app):
    """The app served on a free loopback port from a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def backend_of(app) -> str:
    return "postgis" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgres") else "spatialite"


@pytest.fixture
def open_page(browser):
    """open_page(url, viewport) -> a page; fails the test on any JavaScript error or console error."""
    contexts, errors = [], []

    def open_(url, viewport="phone", locale="zh-CN", expected_status=None):
        context = browser.new_context(locale=locale, viewport=VIEWPORTS[viewport], device_scale_factor=1,
                                      is_mobile=viewport == "phone", has_touch=True)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        response = page.goto(url)
        if expected_status:  # the browser logs the page's own error status: that one is expected
            assert response.status == expected_status
            errors.remove(f"Failed to load resource: the server responded with a status of {expected_status} "
                          "(NOT FOUND)")
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == []




def sign_in(page, live_server, user) -> None:
    """Through the sign-in form, as a person does (tests.factories.PASSWORD)."""
    from tests.factories import PASSWORD

    page.goto(f"{live_server}/login")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server}/**")


def signed_in(browser, live_server, user, viewport):
    """A new browser context signed in as `user`: (context, page, the JavaScript and console errors it meets)."""
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS[viewport], has_touch=viewport != "desktop",
                                  service_workers="block")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, live_server, user)
    return context, page, errors
