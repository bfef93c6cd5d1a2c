"""GET /categories: the categories as a table of small forms; POST saves one, or adds one."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.categories.blueprint import bp
from webapp.errors import BadRequest, DomainError, Forbidden
from webapp.labels import WHISTLE_LABELS
from webapp.policies import can_edit_categories
from webapp.services.cases.categories import CategoryInput, all_categories, all_departments, save_category


def category_input(form) -> CategoryInput:
    try:
        order = int(form.get("sort_order") or 0)
    except ValueError:
        raise BadRequest(_("The order must be a number from -1000 to 1000."), field="sort_order")
    return CategoryInput(name_zh=form.get("name_zh", ""), name_en=form.get("name_en", ""),
                         whistle_kind=form.get("whistle_kind", ""),
                         default_departments=form.getlist("default_departments"),
                         is_safety=form.get("is_safety") == "on", street_first=form.get("street_first") == "on",
                         active=form.get("active") == "on",
                         sort_order=order)


def _page(error=None, failed_code=None, status=200):
    return render_template("categories/index.html", categories=all_categories(), departments=all_departments(),
                           whistles=WHISTLE_LABELS, error=error, failed_code=failed_code,
                           submitted=request.form if error else None), status


@bp.get("/categories")
@login_required
def index():
    if not can_edit_categories(current_user):
        raise Forbidden()
    return _page()


@bp.post("/categories", defaults={"code": None})
@bp.post("/categories/<code>")
@login_required
def save(code):
    try:
        category = save_category(current_user, code, category_input(request.form))
    except Forbidden:
        raise
    except DomainError as err:
        # Shown again with what was typed, and the message next to the form that failed.
        return _page(error=err.message, failed_code=code or "new", status=err.http_status)
    flash(_("Saved: %(name)s", name=category.name_for(get_locale())))
    return redirect(url_for("categories.index") + f"#category-{category.code}")
