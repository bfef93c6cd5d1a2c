"""Categories are data: organizers and admins edit them on a page; nobody else may; bad input keeps what was typed."""
import pytest
from flask_login import FlaskLoginClient

from tests.factories import demo_street, make_user
from webapp.errors import Forbidden
from webapp.extensions import db
from webapp.models import Category, Role
from webapp.services.cases.categories import CategoryInput, save_category


@pytest.fixture
def organizer(app):
    demo_street()
    app.test_client_class = FlaskLoginClient
    return make_user(Role.ORGANIZER)


def form(**changes):
    data = {"name_zh": "共享单车乱停", "name_en": "Shared bikes parked badly", "whistle_kind": "enforcement",
            "default_departments": ["traffic", "urban_management"], "active": "on", "sort_order": "5"}
    return {**data, **changes}


def test_an_organizer_adds_a_category_and_it_appears_in_the_form(organizer, app):
    client = app.test_client(user=organizer)
    page = client.get("/categories?lang=en")
    assert page.status_code == 200 and "Report categories" in page.get_data(as_text=True)
    saved = client.post("/categories", data=form())
    assert saved.status_code == 302
    codes = [c["code"] for c in client.get("/api/v1/categories").get_json()["categories"]]
    assert "shared_bikes_parked_badly" in codes
    added = db.session.scalar(db.select(Category).where(Category.code == "shared_bikes_parked_badly"))
    assert added.default_departments == ["traffic", "urban_management"] and added.sort_order == 5


def test_a_retired_category_leaves_the_report_form_and_can_become_a_safety_one(organizer, app):
    client = app.test_client(user=organizer)
    client.post("/categories/noise", data=form(name_zh="噪音", name_en="Noise", active=""))
    assert "noise" not in [c["code"] for c in client.get("/api/v1/categories").get_json()["categories"]]
    client.post("/categories/other", data=form(name_zh="其他", name_en="Other", is_safety="on"))
    assert db.session.scalar(db.select(Category).where(Category.code == "other")).is_safety


def test_bad_input_is_refused_clearly_and_keeps_what_was_typed(organizer, app):
    client = app.test_client(user=organizer)
    page = client.post("/categories?lang=en", data=form(name_zh="", default_departments=["nowhere"]))
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "The Chinese name needs 1 to 60 characters." in text
    assert "Shared bikes parked badly" in text
    assert db.session.scalar(db.select(db.func.count()).select_from(Category).where(
        Category.name_en == "Shared bikes parked badly")) == 0


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.STEWARD, Role.CHIEF, Role.OFFICER])
def test_others_may_not_edit_categories(app, role):
    demo_street()
    user = make_user(role)
    with pytest.raises(Forbidden):
        save_category(user, "noise", CategoryInput("噪音", "Noise", "enforcement"))
    app.test_client_class = FlaskLoginClient
    assert app.test_client(user=user).post("/categories/noise", data=form()).status_code == 403
