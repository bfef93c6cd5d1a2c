"""GET /sw.js, /manifest.webmanifest and /offline."""
import json

from flask import Response, current_app, render_template, url_for
from flask_babel import gettext as _

from webapp.pwa.assets import asset_url, shell_urls, shell_version
from webapp.pwa.blueprint import bp

THEME = "#a61b1b"


@bp.get("/manifest.webmanifest")
def manifest():
    icon = lambda name, size, purpose="any": {  # noqa: E731
        "src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}", "type": "image/png",
        "purpose": purpose}
    body = {
        "name": "小巷管家", "short_name": "小巷管家", "lang": "zh-Hans", "dir": "ltr",
        "description": _("Look after your alley: claim it, patrol it, report problems."),
        "start_url": "/?source=pwa", "scope": "/", "id": "/", "display": "standalone",
        "orientation": "any", "theme_color": THEME, "background_color": "#f3ede1",
        "icons": [icon("icon-192.png", 192), icon("icon-512.png", 512), icon("icon-maskable-512.png", 512, "maskable")],
    }
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")


@bp.get("/sw.js")
def service_worker():
    # The worker's code is a static file; the list of files to precache and the cache version are
    # written in front of it, so a new deploy (new hashes) gets a new cache and old ones are dropped.
    code = (current_app.static_folder + "/sw.js")
    with open(code, encoding="utf-8") as source:
        script = (f"const VERSION = {json.dumps(shell_version())};\n"
                  f"const SHELL = {json.dumps(shell_urls())};\n"
                  f"const OUTBOX_SCRIPT = {json.dumps(asset_url('js/outbox.js'))};\n" + source.read())
    response = Response(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("offline.html")
