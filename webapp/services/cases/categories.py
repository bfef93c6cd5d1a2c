"""Report categories are data: organizers and admins rename, re-route, reorder, add and retire them."""
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from webapp.errors import BadRequest, Forbidden, NotFound
from webapp.extensions import db
from webapp.models import CHECKLIST_ITEMS, Category, Department, User, WhistleKind
from webapp.policies import can_edit_categories

# The category a 十无 item ticked as a problem on a patrol is reported in. The categories the migrations seed
# carry the items' own codes (webapp/migrations/versions/0003_reports.py); an item whose category is retired or
# missing falls back to FALLBACK_CATEGORY, then to the first active category, and the reporter may still choose.
CHECKLIST_CATEGORIES = {item: item for item in CHECKLIST_ITEMS}
FALLBACK_CATEGORY = "other"


@dataclass(frozen=True)
class CategoryInput:
    name_zh: str
    name_en: str
    whistle_kind: str
    default_departments: list[str] = field(default_factory=list)  # department codes
    is_safety: bool = False
    street_first: bool = False  # escalations skip the community's queue
    active: bool = True
    sort_order: int = 0


def all_categories() -> list[Category]:
    return db.session.scalars(db.select(Category).order_by(Category.sort_order, Category.id)).all()


def checklist_categories() -> dict[str, str | None]:
    """Each checklist item -> the code of the active category its report goes to (None: no active category)."""
    active = list(db.session.scalars(db.select(Category.code).where(Category.active.is_(True))
                                     .order_by(Category.sort_order, Category.id)))
    fallback = FALLBACK_CATEGORY if FALLBACK_CATEGORY in active else next(iter(active), None)
    return {item: code if code in active else fallback for item, code in CHECKLIST_CATEGORIES.items()}


def all_departments() -> list[Department]:
    return db.session.scalars(db.select(Department).order_by(Department.id)).all()


def _check(data: CategoryInput) -> None:
    if not 1 <= len(data.name_zh.strip()) <= 60:
        raise BadRequest(_l("The Chinese name needs 1 to 60 characters."), field="name_zh")
    if not 1 <= len(data.name_en.strip()) <= 80:
        raise BadRequest(_l("The English name needs 1 to 80 characters."), field="name_en")
    if data.whistle_kind not in {kind.value for kind in WhistleKind}:
        raise BadRequest(_l("Please choose a kind of whistle."), field="whistle_kind")
    known = {d.code for d in all_departments()}
    if any(code not in known for code in data.default_departments):
        raise BadRequest(_l("Unknown department."), field="default_departments")
    if not -1000 <= data.sort_order <= 1000:
        raise BadRequest(_l("The order must be a number from -1000 to 1000."), field="sort_order")


def _new_code(name_en: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name_en.lower()).strip("_")[:30] or "category"
    code, n = base, 1
    while db.session.scalar(db.select(Category.id).where(Category.code == code)) is not None:
        n += 1
        code = f"{base}_{n}"
    return code


def save_category(user: User, code: str | None, data: CategoryInput) -> Category:
    """Changes the category `code`, or adds a new one when code is None. Reports keep their category:
    a category is retired (active=False), never deleted."""
    if not can_edit_categories(user):
        raise Forbidden()
    _check(data)
    if code is None:
        category = Category(code=_new_code(data.name_en))
        db.session.add(category)
    else:
        category = db.session.scalar(db.select(Category).where(Category.code == code))
        if category is None:
            raise NotFound(_l("No such category."))
    category.name_zh, category.name_en = data.name_zh.strip(), data.name_en.strip()
    category.whistle_kind = WhistleKind(data.whistle_kind)
    category.default_departments = list(dict.fromkeys(data.default_departments))
    category.is_safety, category.active, category.sort_order = data.is_safety, data.active, data.sort_order
    category.street_first = data.street_first
    db.session.commit()
    return category
