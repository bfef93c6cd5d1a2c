"""The performance pages and API: a street's chiefs and organizers see their own street (by URL and by API), only
admins all streets at once; bad input gets a clear error in the reader's language; the exports open in Python's
csv module and openpyxl with the rows the JSON has; the chart SVGs are XML; the daily brief is one street's."""
import csv
import io
import xml.etree.ElementTree as ET

import pytest
from flask_login import FlaskLoginClient
from openpyxl import load_workbook

from tests.factories import alleys_of, demo_street, file_report, make_user, other_street
from tests.services.cases.test_reports import on_alley, report_at
from webapp.models import Role
from webapp.services.cases.transitions import Step, transition

EN = {"Accept-Language": "en"}


@pytest.fixture
def street(app):
    """The demo street with three cases on its first alley (one accepted by the chief), and another street."""
    app.test_client_class = FlaskLoginClient
    home = demo_street()
    people = {role: make_user(role) for role in (Role.CHIEF, Role.ORGANIZER, Role.RESIDENT, Role.STEWARD)}
    people[Role.ADMIN] = make_user(Role.ADMIN)
    elsewhere = other_street()
    people["other_chief"] = make_user(Role.CHIEF, street=elsewhere)
    alley = alleys_of(home)[0]
    lon, lat = on_alley(alley)
    cases = [file_report(people[Role.RESIDENT], report_at(lon, lat, category))[0]
             for category in ("piled_goods", "noise", "noise")]
    transition(people[Role.RESIDENT], cases[0].id, Step.ESCALATE)
    transition(people[Role.CHIEF], cases[0].id, Step.ACCEPT)
    return {"id": home.id, "name": home.name, "other": elsewhere.id, "alley": alley, "people": people,
            "client": lambda who: app.test_client(user=people[who])}


def test_a_chief_sees_the_own_street_with_its_cases(street):
    data = street["client"](Role.CHIEF).get("/api/v1/performance?days=7").get_json()
    assert data["scope"]["street"] == {"id": street["id"], "name": street["name"]}
    assert data["totals"]["cases"] == 3
    assert [c["code"] for c in data["categories"]] == ["noise", "piled_goods"]  # most cases first
    assert data["hotspots"][0] == {"alley_id": street["alley"].id, "name": street["alley"].name,
                                   "street": street["name"], "cases": 3, "previous": 0, "change": 3}
    assert {s["id"] for s in data["streets"]} == {street["id"], street["other"]}  # the district's ranking
    assert [d["key"] for d in data["definitions"]] == ["response", "resolution", "satisfaction"]
    heat = street["client"](Role.CHIEF).get("/api/v1/performance/heat?days=7").get_json()
    assert sum(point[2] for point in heat["points"]) == 3


@pytest.mark.parametrize("who", [Role.CHIEF, Role.ORGANIZER])
def test_street_staff_see_only_their_own_street_by_url_and_by_api(street, who):
    client = street["client"](who)
    assert client.get(f"/api/v1/performance?street={street['id']}").status_code == 200
    assert client.get(f"/api/v1/performance?street={street['other']}").status_code == 403
    assert client.get("/api/v1/performance?street=all").status_code == 403
    for path in ("/performance", "/performance/brief", "/performance/charts/rates.svg",
                 "/performance/export/alleys.csv", "/api/v1/performance/heat"):
        assert client.get(f"{path}?street={street['other']}").status_code == 403, path


def test_the_other_streets_chief_does_not_see_this_street(street):
    client = street["client"]("other_chief")
    assert client.get(f"/performance?street={street['id']}").status_code == 403
    data = client.get("/api/v1/performance").get_json()
    assert data["scope"]["street"]["id"] == street["other"] and data["totals"]["cases"] == 0


def test_residents_and_stewards_have_no_dashboard(street):
    for who in (Role.RESIDENT, Role.STEWARD):
        assert street["client"](who).get("/api/v1/performance").status_code == 403
        assert street["client"](who).get("/performance").status_code == 403


def test_admins_see_every_street_at_once(street):
    data = street["client"](Role.ADMIN).get("/api/v1/performance?street=all&days=7").get_json()
    assert data["scope"]["street"] is None
    assert data["totals"]["cases"] == 3
    assert [c["alleys"] for c in data["coverage"] if c["street_id"] == street["other"]] == [0]  # none imported yet


@pytest.mark.parametrize("query, field", [("days=abc", "days"), ("days=0", "days"), ("days=5000", "days"),
                                          ("from=2026-02-30&to=2026-03-01", "from"),
                                          ("from=2026-03-02&to=2026-03-01", "from"), ("from=2026-03-01", "from"),
                                          ("bucket=year", "bucket"), ("street=abc", "street"),
                                          ("category=nonsense", "category")])
def test_bad_input_is_a_clear_error_in_the_readers_language(street, query, field):
    client = street["client"](Role.CHIEF)
    chinese = client.get(f"/api/v1/performance?{query}")
    english = client.get(f"/api/v1/performance?{query}", headers=EN)
    assert chinese.status_code == english.status_code == 400
    assert chinese.get_json()["error"]["details"]["field"] == field
    assert chinese.get_json()["error"]["message"] != english.get_json()["error"]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.get_json()["error"]["message"])
    page = client.get(f"/performance?{query}", headers=EN)
    assert page.status_code == 400 and page.content_type.startswith("text/html")


def test_an_alley_of_another_street_is_not_found(street):
    assert street["client"](Role.CHIEF).get("/api/v1/performance?alley=999999").status_code == 404


@pytest.mark.parametrize("table", ["streets", "alleys", "departments", "categories", "series", "hotspots"])
def test_exports_open_with_csv_and_openpyxl_with_the_rows_of_the_json(street, table):
    client = street["client"](Role.CHIEF)
    rows = client.get("/api/v1/performance?days=7").get_json()[table]
    from_csv = list(csv.reader(io.StringIO(client.get(f"/performance/export/{table}.csv?days=7").data
                                           .decode("utf-8-sig"))))
    response = client.get(f"/performance/export/{table}.xlsx?days=7")
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="performance-{table}-')
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    from_xlsx = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(from_csv) == len(from_xlsx) == len(rows) + 1  # a header, then the rows
    assert from_csv[0] == [str(v) for v in from_xlsx[0]]
    first = "start" if table == "series" else "name"
    assert [r[0] for r in from_xlsx[1:]] == [r[first] for r in rows]
    if table in ("alleys", "categories"):
        assert sum(r[1] for r in from_xlsx[1:]) == 3  # the cases column


def test_export_headers_follow_the_language(street):
    client = street["client"](Role.CHIEF)
    chinese = client.get("/performance/export/alleys.csv").data.decode("utf-8-sig").splitlines()[0]
    english = client.get("/performance/export/alleys.csv", headers=EN).data.decode("utf-8-sig").splitlines()[0]
    assert english.startswith("Alley,Cases,") and chinese != english


@pytest.mark.parametrize("name", ["rates", "categories", "hotspots"])
def test_chart_svgs_are_xml_with_the_data(street, name):
    response = street["client"](Role.CHIEF).get(f"/performance/charts/{name}.svg?days=7")
    assert response.content_type.startswith("image/svg+xml")
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    if name == "hotspots":
        assert street["alley"].name in response.data.decode()


def test_unknown_chart_or_table_is_not_found(street):
    client = street["client"](Role.CHIEF)
    assert client.get("/performance/charts/pie.svg").status_code == 404
    assert client.get("/performance/export/alleys.pdf").status_code == 404
    assert client.get("/performance/export/secrets.csv").status_code == 404


def test_the_daily_brief_is_one_streets_day(street):
    client = street["client"](Role.CHIEF)
    page = client.get("/performance/brief").data.decode()
    assert street["name"] in page and "<svg" in page
    assert client.get("/performance/brief?day=2026-13-01").status_code == 400
    assert street["client"](Role.ADMIN).get("/performance/brief?street=all").status_code == 400


def test_the_dashboard_page_shows_the_definitions_and_tables_without_javascript(street):
    page = street["client"](Role.CHIEF).get("/performance?days=7", headers=EN).data.decode()
    assert "Response rate" in page and "Resolution rate" in page and "Satisfaction rate" in page
    assert street["alley"].name in page  # the alleys table, rendered by the server
    assert "/performance/export/alleys.xlsx" in page


@pytest.mark.parametrize("path, status", [
    ("/api/v1/performance?alley=%C2%B2", 404), ("/api/v1/performance?alley=99999999999999999999999", 404),
    ("/api/v1/performance?street=99999999999999999999999", 400), ("/api/v1/performance?street=4242", 404),
    ("/api/v1/performance?from=0001-01-01&to=0001-01-10", 400),
    ("/api/v1/performance?from=9999-12-01&to=9999-12-31", 400),
    ("/performance/brief?day=0001-01-05", 400), ("/performance/brief?day=9999-12-31", 400),
    ("/performance/brief?street=4242", 404)])
def test_odd_input_is_refused_never_a_500(street, path, status):
    assert street["client"](Role.ADMIN).get(path).status_code == status


def test_names_are_exported_as_text_never_as_formulas(street):
    street["alley"].name = "=HYPERLINK(\"http://x\")\x07"
    from webapp.extensions import db
    db.session.commit()
    client = street["client"](Role.CHIEF)
    rows = list(csv.reader(io.StringIO(client.get("/performance/export/alleys.csv").data.decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    sheet = load_workbook(io.BytesIO(client.get("/performance/export/alleys.xlsx").data), read_only=True).active
    assert list(sheet.iter_rows(values_only=True))[1][0] == "'=HYPERLINK(\"http://x\")"


def test_the_page_says_when_the_shared_district_ranking_was_counted(street):
    """The first view of a period counts the district ranking; a view within RANKING_CACHE_SECONDS shows the
    same ranking and says when it was counted."""
    client = street["client"](Role.CHIEF)
    first = client.get("/performance?days=7", headers=EN).get_data(as_text=True)
    assert "The district ranking is shared by all viewers" not in first
    again = client.get("/performance?days=7", headers=EN).get_data(as_text=True)
    assert "The district ranking is shared by all viewers; counted at" in again
    data = client.get("/api/v1/performance?days=7").get_json()
    assert data["streets_as_of"] <= data["generated_at"]
