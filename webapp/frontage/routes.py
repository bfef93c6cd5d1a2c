"""门前三包 pages: the street's shops and the form to register one, a shop's page to edit it, the CSV import with
its preview, and the repeat breaches over a period with their xlsx export."""
import base64
from datetime import date, timedelta

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp import clock
from webapp.errors import BadRequest, Conflict, DomainError, Forbidden
from webapp.extensions import db
from webapp.frontage.blueprint import bp
from webapp.labels import CHECK_RESULT_LABELS, DUTY_LABELS
from webapp.models import DUTIES, Role, Street
from webapp.policies import can_manage_shops, is_admin
from webapp.roster.scope import managed_street, street_ids_with
from webapp.services.organizing.listings import alleys_extent
from webapp.services.places import frontage
from webapp.spreadsheets import read_rows, xlsx_bytes
from webapp.uploads import imported_file

PERIOD_DAYS = 90  # the breaches page's default period: about a season


STAFF = (Role.ORGANIZER, Role.CHIEF)  # whose street's shops these pages show


@bp.app_context_processor
def _header_link():
    return {"can_manage_shops_anywhere": lambda user: getattr(user, "is_authenticated", False)
            and (is_admin(user) or bool(street_ids_with(user, STAFF)))}


def _street() -> Street:
    """The street of this page: ?street= (or the form's), else the user's first as organizer or chief."""
    return managed_street(current_user, may=can_manage_shops, roles=STAFF)


def _day(raw: str | None, name: str) -> date | None:
    raw = (raw or "").strip()
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise BadRequest(_("Please enter a date as YYYY-MM-DD."), field=name)


def _coordinate(raw: str | None) -> float:
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise BadRequest(_("Please place the shop on the map."), field="location")


def shop_input(form) -> frontage.ShopInput:
    return frontage.ShopInput(
        name=form.get("name", ""), operator=form.get("operator", ""), phone=form.get("phone", ""),
        lon=_coordinate(form.get("lon")), lat=_coordinate(form.get("lat")),
        duties=frozenset(form.getlist("duties")), signed_on=_day(form.get("signed_on"), "signed_on"))


def _picker(street: Street) -> dict:
    config = current_app.config
    return {"bbox": alleys_extent(street.id), "streetId": street.id, "alleysUrl": url_for("api.alleys"),
            "tileUrl": config["TILE_URL"], "tileAttribution": config["TILE_ATTRIBUTION"], "tileCrs": config["TILE_CRS"]}


def _index_page(street: Street, error: str | None = None, status: int = 200):
    return render_template("frontage/index.html", street=street, shops=frontage.street_shops(street.id),
                           picker=_picker(street), error=error, submitted=request.form if error else None,
                           duty_labels=DUTY_LABELS, duties=DUTIES, today=clock.today()), status


@bp.get("/")
@login_required
def index():
    return _index_page(_street())


@bp.post("/shops")
@login_required
def register_shop():
    street = _street()
    try:
        shop = frontage.register_shop(current_user, street.id, shop_input(request.form))
    except (BadRequest, Conflict) as err:
        return _index_page(street, err.message, err.http_status)
    flash(_("%(name)s is registered on %(alley)s.", name=shop.name, alley=shop.alley.name), "success")
    return redirect(url_for("frontage.index", street=street.id))


def _shop_page(shop, error: str | None = None, status: int = 200):
    street = db.session.get(Street, shop.street_id)
    lon, lat = frontage.shop_point(shop)
    checks = frontage.recent_checks([shop.id], limit=20).get(shop.id, [])
    return render_template("frontage/shop.html", street=street, shop=shop, picker=_picker(street), error=error,
                           submitted=request.form if error else None, lon=lon, lat=lat, duty_labels=DUTY_LABELS,
                           duties=DUTIES, today=clock.today(), result_labels=CHECK_RESULT_LABELS,
                           beijing_day=clock.beijing_day, checks=checks), status


def _managed_shop(shop_id: int):
    shop = frontage.get_shop(shop_id)
    if not can_manage_shops(current_user, shop.street_id):
        raise Forbidden()
    return shop


@bp.get("/shops/<int:shop_id>")
@login_required
def shop(shop_id: int):
    return _shop_page(_managed_shop(shop_id))


@bp.post("/shops/<int:shop_id>")
@login_required
def update_shop(shop_id: int):
    shop = _managed_shop(shop_id)
    try:
        frontage.update_shop(current_user, shop.id, shop_input(request.form))
    except (BadRequest, Conflict) as err:
        db.session.refresh(shop)
        return _shop_page(shop, err.message, err.http_status)
    flash(_("Saved."), "success")
    return redirect(url_for("frontage.shop", shop_id=shop.id))


def _period() -> tuple[date, date]:
    today = clock.today()
    end = _day(request.args.get("to"), "to") or today
    start = _day(request.args.get("from"), "from") or end - timedelta(days=PERIOD_DAYS - 1)
    return start, end


@bp.get("/breaches")
@login_required
def breaches():
    street = _street()
    start, end = _period()
    found = frontage.breaches(current_user, street.id, start, end)
    return render_template("frontage/breaches.html", street=street, found=found, repeat=frontage.REPEAT)


@bp.get("/breaches.xlsx")
@login_required
def export_breaches():
    street = _street()
    start, end = _period()
    found = frontage.breaches(current_user, street.id, start, end)
    counts = [_("Checks"), _("Kept"), _("Warned"), _("Broken"), _("Reports naming it")]
    if request.args.get("by") == "alleys":
        headers = [_("Alley"), _("Shops"), _("Shops broken repeatedly")] + counts
        rows = [[t.name, t.shops, t.repeat_shops, t.checks, t.kept, t.warned, t.broken, t.reports]
                for t in found.alleys]
        what = "alleys"
    else:
        headers = [_("Shop"), _("Alley")] + counts + [_("Repeat breach"), _("Last broken")]
        rows = [[t.name, t.alley, t.checks, t.kept, t.warned, t.broken, t.reports, _("Yes") if t.is_repeat else "",
                 t.last_broken.isoformat() if t.last_broken else ""] for t in found.shops]
        what = "shops"
    body = xlsx_bytes(headers, rows, _("Frontage breaches"))
    name = f"frontage-{what}-{start.isoformat()}-{end.isoformat()}.xlsx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


def _uploaded() -> bytes:
    return imported_file(_("Please choose a CSV or xlsx file."))


def _table(data: bytes) -> list[list[str]]:
    try:
        return read_rows(data)
    except ValueError:
        raise BadRequest(_("The file must be xlsx, or CSV in UTF-8 (in Excel: Save As, CSV UTF-8)."), field="file")


def _import_page(street: Street, rows=None, data=None, error=None, status: int = 200):
    return render_template("frontage/import.html", street=street, rows=rows, data=data, error=error,
                           duty_labels=DUTY_LABELS), status


@bp.get("/import")
@login_required
def import_shops():
    return _import_page(_street())


@bp.post("/import")
@login_required
def import_preview_or_commit():
    """Without `confirm`: the preview, every row with its errors. With it: the import (all rows or none)."""
    street = _street()
    try:
        data = _uploaded()
        table = _table(data)
        if request.form.get("confirm"):
            count = frontage.import_shops(current_user, street.id, table)
            flash(_("Imported %(count)d shops.", count=count), "success")
            return redirect(url_for("frontage.index", street=street.id))
        rows = frontage.check_shops_file(street.id, table)
        if not rows:
            raise BadRequest(_("The file has no shops in it."))
    except frontage.ShopsInvalid as err:
        return _import_page(street, frontage.check_shops_file(street.id, table), None, err.message, 400)
    except DomainError as err:
        return _import_page(street, None, None, err.message, err.http_status)
    carried = base64.b64encode(data).decode() if not any(row.errors for row in rows) else None
    return _import_page(street, rows, carried)
