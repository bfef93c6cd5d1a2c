"""Every page, as each role sees it in English, has no Chinese words but the data's (names of alleys, people, ...)."""
import re
import uuid

import pytest
from flask_login import FlaskLoginClient

from tests.factories import file_report
from tests.services.cases.test_reports import jpeg
from tests.web.test_route_policies import ANON, WHO, routes, world  # noqa: F401  (world is a fixture)
from webapp.extensions import db
from webapp.models import User
from webapp.services.cases.reports import ReportInput
from webapp.services.cases.transitions import Step, transition

EN = {"Accept-Language": "en"}
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Not words to translate: the language switch names Chinese in Chinese; a file to import must name its columns
# (and the values a column takes) as the spreadsheets people already keep do.
KEPT = {
    "*": {"中文"},
    "/roster/import": {"姓名", "手机号", "角色", "小巷管家", "老街坊", "队伍", "岗位"},
    "/frontage/import": {"店名", "经营者", "电话", "经度", "纬度", "三包", "安全", "卫生", "秩序",
                         "签订日期"},
}


def data_text() -> str:
    """Every text the database holds (the demo's and the test's own): Chinese found in it is data."""
    texts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(db.select(table)):
            texts.extend(str(value) for value in row if isinstance(value, (str, dict, list)))
    return "\n".join(texts)


def foreign_words(html: str, data: str, kept: set) -> list[str]:
    return sorted({word for word in HAN.findall(html) if word not in kept and word not in data})


@pytest.fixture
def lived(app, world):  # noqa: F811
    """The walk's world, with one case taken through the chief's and a department's steps to its verdict form."""
    lon, lat = world[4], world[5]
    users = {u.username: u for u in db.session.scalars(db.select(User).where(User.username.like("demo_%")))}
    resident, chief, officer = users["demo_resident"], users["demo_chief"], users["demo_officer"]
    case, _ = file_report(resident, ReportInput(str(uuid.uuid4()), "piled_goods", lon, lat, photos=[jpeg()]))
    transition(resident, case.id, Step.ESCALATE)
    transition(chief, case.id, Step.ACCEPT)
    transition(chief, case.id, Step.SET_REQUEST_KIND, request_kind="complaint")
    transition(chief, case.id, Step.WHISTLE, departments=("urban_management",))
    transition(officer, case.id, Step.REPORT_ON_SITE)
    transition(officer, case.id, Step.FINISH_PART)
    transition(chief, case.id, Step.RESOLVE, note="done")
    return world, case.id


@pytest.mark.parametrize("who", WHO)
def test_english_pages_have_no_chinese_but_the_data(app, lived, who):
    walk, case_id = lived
    app.test_client_class = FlaskLoginClient
    user = None if who == ANON else db.session.scalar(db.select(User).where(User.username == f"demo_{who}"))
    data = data_text()
    pages = [request[0] for (endpoint, method), (request, _) in routes(*walk).items()
             if method == "GET" and len(request) == 1 and not request[0].startswith(("/api/", "/open311/"))]
    found = {}
    for path in pages + [f"/reports/{case_id}"]:
        response = app.test_client(user=user).get(path, headers=EN)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        kept = KEPT["*"] | KEPT.get(path.split("?")[0], set())
        words = foreign_words(response.get_data(as_text=True), data, kept)
        if words:
            found[path] = words
    assert not found, f"{who}: Chinese on English pages: {found}"


def test_the_chinese_pages_keep_their_terms(app, lived):
    walk, case_id = lived
    app.test_client_class = FlaskLoginClient
    resident = db.session.scalar(db.select(User).where(User.username == "demo_resident"))
    page = app.test_client(user=resident).get(f"/reports/{case_id}", headers={"Accept-Language": "zh-CN"})
    text = page.get_data(as_text=True)
    for term in ("吹哨", "部门报到", "满意", "基本满意", "不满意", "投诉"):
        assert term in text, term
