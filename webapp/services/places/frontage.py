"""门前三包 (frontage duties): the street's registry of shopfronts on its alleys, stewards' checks of the duties a
shop signed (once per client key, with an optional cleaned photo), and the repeat breaches per shop and alley."""
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import Point
from sqlalchemy import case, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from geo import queries
from webapp import clock
from webapp.errors import BadRequest, Conflict, Forbidden, IdempotencyConflict, NotFound
from webapp.extensions import db
from webapp.models import DUTIES, Alley, CheckResult, FrontageCheck, Report, Shop, Street, User
from webapp.models.places import WGS84
from webapp.photos import clean_photo
from webapp.policies import can_check_frontage, can_manage_shops, can_view_frontage_breaches
from webapp.services.places.alley_state import open_claim
from webapp.storage import discard, storage_for

MAX_NOTE = 500
NEARBY_M = 50  # the shops a report form offers: those this close to the report's position
REPEAT = 2  # broken this many times in the period: a repeat breach
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{3,18}[0-9]$")


@dataclass(frozen=True)
class ShopInput:
    name: str
    lon: float
    lat: float
    operator: str = ""
    phone: str = ""
    duties: frozenset[str] = frozenset()  # of DUTIES
    signed_on: date | None = None


def get_shop(shop_id: int) -> Shop:
    shop = db.session.get(Shop, shop_id)
    if shop is None:
        raise NotFound(_l("No such shop."))
    return shop


def _checked(street: Street, data: ShopInput):
    """The cleaned fields and the point of the street's alley nearest to the position, or a clear refusal."""
    name, operator, phone = data.name.strip(), data.operator.strip(), data.phone.strip()
    if not 1 <= len(name) <= 120:
        raise BadRequest(_l("A shop name of 1 to %(n)s characters is needed.", n=120), field="name")
    if len(operator) > 60:
        raise BadRequest(_l("The operator's name may have at most %(n)s characters.", n=60), field="operator")
    if phone and not _PHONE.match(phone):
        raise BadRequest(_l("Please enter a phone number of digits, e.g. 010-64001234 or 13800138000."),
                         field="phone")
    if not set(data.duties) <= set(DUTIES):
        raise BadRequest(_l("Choose the duties from safety, sanitation and public order."), field="duties")
    if data.duties and data.signed_on is None:
        raise BadRequest(_l("Please give the date the duties were signed."), field="signed_on")
    if data.signed_on and data.signed_on > clock.today():
        raise BadRequest(_l("The date signed cannot be in the future."), field="signed_on")
    if not (-180 <= data.lon <= 180 and -90 <= data.lat <= 90):
        raise BadRequest(_l("The location is not a valid position."), field="location")
    radius = current_app.config["SNAP_RADIUS_M"]
    snap = queries.nearest_alley(db.session, data.lon, data.lat, max_m=radius, street_id=street.id)
    if snap is None:
        raise BadRequest(_l("This position is more than %(m)s m from every alley of %(street)s. Place the shop on "
                            "the alley its door opens onto.", m=int(radius), street=street.name), field="location")
    return name, operator, phone, snap


def _fill(shop: Shop, street: Street, data: ShopInput) -> Shop:
    shop.name, shop.operator, shop.phone, snap = _checked(street, data)
    shop.street_id, shop.alley_id = street.id, snap.alley_id
    shop.location = from_shape(Point(snap.lon, snap.lat), srid=WGS84)
    for duty in DUTIES:
        setattr(shop, f"duty_{duty}", duty in data.duties)
    shop.signed_on = data.signed_on
    return shop


def _save(shop: Shop) -> Shop:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("A shop of this name is already registered on this alley."), field="name")
    return shop


def register_shop(user: User, street_id: int, data: ShopInput) -> Shop:
    """Add a shop to the street's registry, placed on the alley nearest to the position given."""
    street = db.session.get(Street, street_id)
    if street is None:
        raise NotFound()
    if not can_manage_shops(user, street.id):
        raise Forbidden()
    shop = _fill(Shop(), street, data)
    db.session.add(shop)
    return _save(shop)


def update_shop(user: User, shop_id: int, data: ShopInput) -> Shop:
    """Change a shop's details or move it (again onto an alley of its own street)."""
    shop = get_shop(shop_id)
    if not can_manage_shops(user, shop.street_id):
        raise Forbidden()
    _fill(shop, db.session.get(Street, shop.street_id), data)
    return _save(shop)


def street_shops(street_id: int) -> list[Shop]:
    return db.session.scalars(db.select(Shop).join(Alley, Alley.id == Shop.alley_id).options(joinedload(Shop.alley))
                              .where(Shop.street_id == street_id).order_by(Alley.name, Shop.name)).all()


def alley_shops(alley_id: int) -> list[Shop]:
    return db.session.scalars(db.select(Shop).where(Shop.alley_id == alley_id).order_by(Shop.name)).all()


def shops_near(lon: float, lat: float) -> list[tuple[Shop, float]]:
    """The shops within NEARBY_M of a position in the street around it, nearest first (for the report form)."""
    street_id = queries.street_containing(db.session, lon, lat)
    if street_id is None:
        return []
    hits = queries.shops_near(db.session, lon, lat, NEARBY_M, street_id)
    shops = {s.id: s for s in db.session.scalars(db.select(Shop).where(Shop.id.in_([i for i, _ in hits])))}
    return [(shops[shop_id], distance) for shop_id, distance in hits]


def shop_for_report(shop_id: int | None, street_id: int) -> int | None:
    """The shop a new report names, which must be of the report's street."""
    if shop_id is None:
        return None
    shop = db.session.get(Shop, shop_id)
    if shop is None or shop.street_id != street_id:
        raise BadRequest(_l("Please choose a shop near the place of the problem, or none."), field="shop")
    return shop.id


def shop_point(shop: Shop) -> tuple[float, float]:
    point = to_shape(shop.location)
    return round(point.x, 6), round(point.y, 6)


# The import -----------------------------------------------------------------------------------------------------

# The columns, by the headers a street's sheet may use for them (English or Chinese); positions are WGS-84.
HEADERS = {"name": ("name", "店名", "名称"), "operator": ("operator", "经营者", "负责人"), "phone": ("phone", "电话"),
           "lon": ("lon", "经度"), "lat": ("lat", "纬度"), "duties": ("duties", "三包", "责任"),
           "signed_on": ("signed_on", "签订日期", "签约日期")}
DUTY_WORDS = {"safety": "safety", "安全": "safety", "sanitation": "sanitation", "卫生": "sanitation",
              "order": "order", "秩序": "order"}
_SEPARATORS = re.compile(r"[;；、,，/\s]+")
MAX_ROWS = 2000


class ShopsInvalid(BadRequest):
    code = "shops_invalid"
    message = _l("Nothing was imported: some rows have errors.")


@dataclass
class ShopRow:
    """One data row of the file (line: its line number, the header being line 1), with its errors."""
    line: int
    name: str = ""
    alley: str = ""
    data: ShopInput | None = None
    errors: list[str] = field(default_factory=list)


def _row_input(cell) -> ShopInput:
    duties = {DUTY_WORDS.get(word.lower()) for word in _SEPARATORS.split(cell("duties")) if word}
    if None in duties:
        raise BadRequest(_l("Duties must be 安全, 卫生 or 秩序, separated by 、"))
    try:
        lon, lat = float(cell("lon")), float(cell("lat"))
    except ValueError:
        raise BadRequest(_l("经度 and 纬度 must be numbers (WGS-84 degrees)."))
    try:
        signed_on = date.fromisoformat(cell("signed_on")[:10]) if cell("signed_on") else None
    except ValueError:
        raise BadRequest(_l("Please enter a date as YYYY-MM-DD."))
    return ShopInput(name=cell("name"), operator=cell("operator"), phone=cell("phone"), lon=lon, lat=lat,
                     duties=frozenset(duties), signed_on=signed_on)


def check_shops_file(street_id: int, rows: list[list[str]]) -> list[ShopRow]:
    """Every row with its errors (none: it would import): each is checked and placed as a shop registered by hand
    would be, and a name twice on one alley (in the file or already registered) is an error."""
    street = db.session.get(Street, street_id)
    header = rows[0] if rows else []
    columns = {key: i for i, title in enumerate(header) for key, names in HEADERS.items()
               if str(title).strip().lower() in names}
    if not {"name", "lon", "lat"} <= set(columns):
        raise BadRequest(_l("The first row must name the columns: 店名 (name), 经度 (lon), 纬度 (lat), and optionally "
                            "经营者 (operator), 电话 (phone), 三包 (duties) and 签订日期 (signed_on)."))
    registered = {(s.alley_id, s.name) for s in db.session.scalars(db.select(Shop).where(Shop.street_id == street_id))}
    alleys = dict(db.session.execute(db.select(Alley.id, Alley.name).where(Alley.street_id == street_id)).all())
    checked, seen = [], {}
    for line, values in enumerate(rows[1:], start=2):
        if not any(values):
            continue
        if len(checked) == MAX_ROWS:
            raise BadRequest(_l("At most %(n)s rows at a time.", n=MAX_ROWS))
        cell = lambda key: values[columns[key]] if key in columns and columns[key] < len(values) else ""  # noqa: E731
        row = ShopRow(line, name=cell("name"))
        try:
            row.data = _row_input(cell)
            snap = _checked(street, row.data)[3]
        except BadRequest as err:
            row.errors.append(str(err.message))
            checked.append(row)
            continue
        row.alley, key = alleys[snap.alley_id], (snap.alley_id, row.data.name.strip())
        if key in registered:
            row.errors.append(str(_l("A shop of this name is already registered on this alley.")))
        elif key in seen:
            row.errors.append(str(_l("The same shop as line %(line)s.", line=seen[key])))
        seen.setdefault(key, line)
        checked.append(row)
    return checked


def import_shops(user: User, street_id: int, rows: list[list[str]]) -> int:
    """All the file's shops or none (ShopsInvalid while any row has errors); returns how many were registered."""
    if not can_manage_shops(user, street_id):
        raise Forbidden()
    checked = check_shops_file(street_id, rows)
    if not checked:
        raise BadRequest(_l("The file has no shops in it."))
    if any(row.errors for row in checked):
        raise ShopsInvalid()
    street = db.session.get(Street, street_id)
    try:
        for row in checked:
            db.session.add(_fill(Shop(), street, row.data))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(checked)


# Checks -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckInput:
    client_id: str
    shop_id: int
    results: dict[str, str]  # duty -> kept / warned / broken
    note: str = ""
    photo: bytes | None = None

    def fingerprint(self) -> str:
        """The content's hash (the photo by its digest), to tell a replay from a reused key."""
        body = {"shop_id": self.shop_id, "results": self.results, "note": self.note,
                "photo": hashlib.sha256(self.photo).hexdigest() if self.photo else None}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _replay(user: User, data: CheckInput, fingerprint: str) -> FrontageCheck | None:
    existing = db.session.scalar(db.select(FrontageCheck).where(FrontageCheck.client_id == data.client_id))
    if existing is None:
        return None
    if existing.user_id != user.id or existing.payload_hash != fingerprint:
        raise IdempotencyConflict()
    return existing


def _may_check(user: User, shop: Shop) -> None:
    holds = open_claim(user.id, shop.alley_id) is not None
    if can_check_frontage(user, shop, holds_claim=holds):
        return
    if not any(g.street_id == shop.street_id for g in user.grants):
        raise Forbidden(_l("This shop is in another street: you check the shops of your own street's alleys."))
    raise Forbidden(_l("You check the shops of the alleys you look after. Claim this alley first."))


def _results(shop: Shop, data: CheckInput) -> dict[str, CheckResult]:
    if not shop.duties:
        raise BadRequest(_l("This shop has not signed any duties yet: there is nothing to check."))
    values = {r.value: r for r in CheckResult}
    if not data.results or not all(duty in shop.duties and value in values for duty, value in data.results.items()):
        raise BadRequest(_l("Give each duty the shop signed as kept, warned or broken."), field="results")
    if len(data.note) > MAX_NOTE:
        raise BadRequest(_l("The note may have at most %(n)d characters.", n=MAX_NOTE), field="note")
    return {duty: values[value] for duty, value in data.results.items()}


def record_check(user: User, data: CheckInput) -> tuple[FrontageCheck, bool]:
    """Store a steward's check of a shop once; (check, created). A replay of the same check returns it again, the
    same key with other content is refused; a refused check stores nothing (no row, no photo file)."""
    fingerprint = data.fingerprint()
    if existing := _replay(user, data, fingerprint):
        return existing, False
    shop = get_shop(data.shop_id)
    _may_check(user, shop)
    results = _results(shop, data)
    photo = clean_photo(data.photo) if data.photo else None

    storage = storage_for(current_app)
    stored: list[str] = []
    try:
        check = FrontageCheck(client_id=data.client_id, payload_hash=fingerprint, shop_id=shop.id,
                              street_id=shop.street_id, user_id=user.id,
                              checked_at=clock.now(), note=data.note.strip(),
                              outcome=max(results.values(), key=lambda r: r.severity), **results)
        if photo:
            check.photo_key, check.thumb_key = storage.save(photo.image, ".jpg"), storage.save(photo.thumbnail, ".jpg")
            stored += [check.photo_key, check.thumb_key]
        db.session.add(check)
        db.session.commit()
    except IntegrityError:  # the same check arrived twice at once: the other request stored it
        db.session.rollback()
        discard(storage, stored)
        if existing := _replay(user, data, fingerprint):
            return existing, False
        raise
    except Exception:
        db.session.rollback()
        discard(storage, stored)
        raise
    return check, True


def recent_checks(shop_ids: list[int], limit: int = 3) -> dict[int, list[FrontageCheck]]:
    """Each shop's last few checks, newest first (for the alley sheet)."""
    if not shop_ids:
        return {}
    newest = (func.row_number().over(partition_by=FrontageCheck.shop_id,
                                     order_by=(FrontageCheck.checked_at.desc(), FrontageCheck.id.desc()))
              .label("nth"))
    ranked = db.select(FrontageCheck.id, newest).where(FrontageCheck.shop_id.in_(shop_ids)).subquery()
    rows = db.session.scalars(db.select(FrontageCheck).join(ranked, ranked.c.id == FrontageCheck.id)
                              .where(ranked.c.nth <= limit).options(joinedload(FrontageCheck.user))
                              .order_by(FrontageCheck.checked_at.desc(), FrontageCheck.id.desc())).all()
    found: dict[int, list[FrontageCheck]] = {}
    for check in rows:  # a few per shop, read in one query however long the shops' history
        found.setdefault(check.shop_id, []).append(check)
    return found


def check_photo(user: User, check_id: int) -> FrontageCheck:
    """A check with its photo, for the steward who took it and the street's organizers and chiefs."""
    check = db.session.get(FrontageCheck, check_id)
    if check is None or check.photo_key is None:
        raise NotFound()
    if not (check.user_id == user.id or can_view_frontage_breaches(user, check.street_id)):
        raise Forbidden()
    return check


# Breaches ------------------------------------------------------------------------------------------------------

@dataclass
class Tally:
    """Counts over the period for one shop or one alley; `repeat_shops` counts shops broken REPEAT times or more."""
    name: str
    alley: str = ""
    shop_id: int | None = None
    checks: int = 0
    kept: int = 0
    warned: int = 0
    broken: int = 0
    reports: int = 0
    repeat_shops: int = 0
    shops: int = 0
    last_broken: date | None = None

    @property
    def is_repeat(self) -> bool:
        return self.broken >= REPEAT


@dataclass
class Breaches:
    start: date
    end: date  # inclusive
    shops: list[Tally] = field(default_factory=list)
    alleys: list[Tally] = field(default_factory=list)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's Beijing days as UTC moments (SQLite compares the stored UTC text)."""
    return tuple(datetime.combine(day, time(), clock.BEIJING).astimezone(timezone.utc)
                 for day in (start, end + timedelta(days=1)))


def breaches(user: User, street_id: int, start: date, end: date) -> Breaches:
    """Per shop and per alley of the street: checks and their outcomes, and reports naming the shop, in the period;
    sorted by repeat breaches first."""
    if not can_view_frontage_breaches(user, street_id):
        raise Forbidden()
    if end < start:
        raise BadRequest(_l("The period must end on or after its first day."), field="to")
    since, until = _bounds(start, end)
    counted = lambda outcome: func.sum(case((FrontageCheck.outcome == outcome, 1), else_=0))  # noqa: E731
    rows = db.session.execute(
        db.select(FrontageCheck.shop_id, func.count(FrontageCheck.id), counted(CheckResult.KEPT),
                  counted(CheckResult.WARNED), counted(CheckResult.BROKEN),
                  func.max(case((FrontageCheck.outcome == CheckResult.BROKEN, FrontageCheck.checked_at))))
        .where(FrontageCheck.street_id == street_id, FrontageCheck.checked_at >= since,
               FrontageCheck.checked_at < until)
        .group_by(FrontageCheck.shop_id)).all()
    reported = dict(db.session.execute(
        db.select(Report.shop_id, func.count(Report.id))
        .where(Report.street_id == street_id, Report.shop_id.is_not(None), Report.created_at >= since,
               Report.created_at < until).group_by(Report.shop_id)).all())
    shops = {s.id: s for s in street_shops(street_id)}
    tallies = {shop_id: Tally(shop.name, shop.alley.name, shop_id) for shop_id, shop in shops.items()}
    for shop_id, checks, kept, warned, broken, last in rows:
        if shop_id in tallies:
            tally = tallies[shop_id]
            tally.checks, tally.kept, tally.warned, tally.broken = checks, kept or 0, warned or 0, broken or 0
            tally.last_broken = clock.beijing_day(last) if isinstance(last, datetime) else _day(last)
    for shop_id, count in reported.items():
        if shop_id in tallies:
            tallies[shop_id].reports = count
    found = Breaches(start, end)
    found.shops = sorted((t for t in tallies.values() if t.checks or t.reports),
                         key=lambda t: (-t.broken, -t.warned, -t.reports, t.alley, t.name))
    alleys: dict[str, Tally] = {}
    for shop_id, shop in shops.items():
        tally, per_alley = tallies[shop_id], alleys.setdefault(shop.alley.name, Tally(shop.alley.name))
        per_alley.shops += 1
        per_alley.repeat_shops += tally.is_repeat
        for name in ("checks", "kept", "warned", "broken", "reports"):
            setattr(per_alley, name, getattr(per_alley, name) + getattr(tally, name))
    found.alleys = sorted(alleys.values(), key=lambda t: (-t.repeat_shops, -t.broken, -t.warned, t.name))
    return found


def _day(value) -> date | None:
    """A max() over datetimes comes back from SQLite as text."""
    return clock.beijing_day(datetime.fromisoformat(value)) if value else None
