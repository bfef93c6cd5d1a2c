"""The volunteer's map page is light on a cheap phone: at most 250 KB compressed on the first load's critical
path, and a repeat load takes its static assets from the cache (bytes counted by Chromium's DevTools protocol)."""
import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, backend_of
from webapp.services.demo import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.browser

BUDGET_BYTES = 250 * 1024


class TransferLog:
    """Bytes on the wire per request of one page, from the DevTools protocol (compressed sizes, headers included)."""

    def __init__(self, context, page):
        self.cdp = context.new_cdp_session(page)
        self.urls, self.cached, self.sizes = {}, set(), {}
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        self.cdp.on("Network.loadingFinished", lambda e: self.sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        self.cdp.send("Network.enable")

    def _response(self, event):
        response = event["response"]
        self.urls[event["requestId"]] = response["url"]
        if response.get("fromDiskCache") or response.get("fromServiceWorker") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def reset(self):
        self.urls.clear(), self.cached.clear(), self.sizes.clear()

    def transferred(self, only=lambda url: True) -> int:
        return sum(size for rid, size in self.sizes.items()
                   if rid not in self.cached and only(self.urls.get(rid, "")))

    def table(self) -> list[tuple[str, int]]:
        return sorted(((self.urls.get(rid, rid), 0 if rid in self.cached else size) for rid, size in self.sizes.items()),
                      key=lambda row: -row[1])


def is_static(url: str) -> bool:
    return "/static/" in url


def open_map(page, url):
    page.goto(url, wait_until="load")
    page.locator("path.alley-line").first.wait_for()  # the alleys drawn: the page is of use


def test_the_map_page_is_at_most_250_kb_on_first_load_and_comes_from_the_cache_after(app, live_server, browser):
    load_demo()
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True)
    try:
        # Signed in without opening a page: no service worker, no cached asset before the first load.
        context.request.post(f"{live_server}/login", form={"login": "demo_steward", "password": DEMO_PASSWORD})
        page = context.new_page()
        log = TransferLog(context, page)
        open_map(page, f"{live_server}/")
        first, first_table = log.transferred(), log.table()
        page.screenshot(path=str(ARTIFACTS / f"weight-map-phone-{backend_of(app)}.png"))
        page.evaluate("navigator.serviceWorker.ready")  # installed, as it is by a volunteer's next visit
        log.reset()
        open_map(page, f"{live_server}/")
        repeat_static, repeat = log.transferred(is_static), log.transferred()
        refetched = [url for url, size in log.table() if size and is_static(url)]
    finally:
        context.close()
    figures = (f"map page, signed-in steward, phone: first load {first / 1024:.1f} KB, repeat load "
               f"{repeat / 1024:.1f} KB (static assets {repeat_static} B)\n" +
               "".join(f"  {size:7d} B  {url}\n" for url, size in first_table))
    (ARTIFACTS / f"page-weight-{backend_of(app)}.txt").write_text(figures)
    assert first <= BUDGET_BYTES, f"{first / 1024:.1f} KB on the first load: " + \
        ", ".join(f"{url.rsplit('/', 1)[-1]} {size}" for url, size in first_table[:8])
    assert refetched == [], "static assets fetched again on the repeat load"
