"""The roster as files: a CSV import with one bad row (unknown team, bad phone number, duplicate) imports
nothing and says which row and why; the corrected file imports every row; the export opens in Python's csv
module and openpyxl with the expected rows."""
import csv
import io

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from tests.factories import demo_street, make_user, other_street
from webapp.errors import BadRequest, Forbidden
from webapp.extensions import db
from webapp.models import Role, User
from webapp.services.organizing.roster_files import (RosterInvalid, check_roster_csv, export_headers, export_rows,
                                          import_roster, roster)
from webapp.services.organizing.teams import create_post, create_team
from webapp.spreadsheets import csv_bytes, xlsx_bytes

GOOD = """姓名,手机号,角色,队伍,岗位
王秀英,13800000001,老街坊,一队,宣传员
李建国,138-0000-0002,小巷管家,一队；二队,
张桂兰,+8613800000003,old_neighbour,,调解员
"""


@pytest.fixture
def street(app):
    home = demo_street()
    organizer = make_user(Role.ORGANIZER, home, "组织者")
    for name in ("一队", "二队"):
        create_team(organizer, home.id, name)
    for name in ("宣传员", "调解员"):
        create_post(organizer, home.id, name)
    return {"street": home, "organizer": organizer}


def bad_file() -> bytes:
    lines = GOOD.splitlines()
    lines[1] = "王秀英,13800000001,老街坊,三队,宣传员"  # no such team
    lines[2] = "李建国,1234,小巷管家,一队,"  # not a mobile number
    lines.append("赵大妈,13800000001,老街坊,,")  # the same number as line 2
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def test_a_file_with_bad_rows_imports_nothing_and_says_which_row_and_why(street):
    users_before = db.session.scalar(db.select(db.func.count(User.id)))
    with pytest.raises(RosterInvalid) as refused:
        import_roster(street["organizer"], street["street"].id, bad_file())
    rows = {row["line"]: row["errors"] for row in refused.value.details["rows"]}
    assert set(rows) == {2, 3, 5}
    assert "三队" in rows[2][0]
    assert "11" in rows[3][0]  # an 11-digit mainland mobile number
    assert "2" in rows[5][0]  # the same number as line 2
    assert db.session.scalar(db.select(db.func.count(User.id))) == users_before

    imported = import_roster(street["organizer"], street["street"].id, GOOD.encode())
    assert [(u.display_name, u.phone) for u in imported] == [
        ("王秀英", "13800000001"), ("李建国", "13800000002"), ("张桂兰", "13800000003")]
    by_name = {row["name"]: row for row in roster(street["street"].id, 2026)}
    assert (by_name["李建国"]["teams"], by_name["李建国"]["roles"]) == ("一队、二队", "小巷管家")
    assert (by_name["王秀英"]["posts"], by_name["张桂兰"]["posts"]) == ("宣传员", "调解员")
    assert db.session.get(User, imported[1].id).open_teams == 2

    with force_locale("en"):  # the same file twice: every row a number already registered
        again = check_roster_csv(street["street"].id, GOOD.encode())
    assert all(row.errors == ["That mobile number is already registered."] for row in again)


def test_the_preview_lists_every_row_and_a_file_that_is_not_a_roster_is_refused(street):
    preview = check_roster_csv(street["street"].id, bad_file())
    assert [(row.line, bool(row.errors)) for row in preview] == [(2, True), (3, True), (4, False), (5, True)]
    with pytest.raises(BadRequest):
        check_roster_csv(street["street"].id, "名字,电话\n王,1380000\n".encode())
    with pytest.raises(BadRequest):
        check_roster_csv(street["street"].id, "姓名,手机号,角色\n".encode("gbk") + "王秀英".encode("gbk"))
    with pytest.raises(Forbidden):
        import_roster(make_user(Role.ORGANIZER, other_street()), street["street"].id, GOOD.encode())


def test_the_roster_exports_to_csv_and_xlsx(street):
    import_roster(street["organizer"], street["street"].id, GOOD.encode())
    rows = [row for row in roster(street["street"].id, 2026) if row["phone"].startswith("138000000")]
    with force_locale("en"):
        body = csv_bytes(export_headers(), export_rows(rows))
    read = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [(r["Name"], r["Mobile number"]) for r in read] == [(r["name"], r["phone"]) for r in rows]
    book = load_workbook(io.BytesIO(xlsx_bytes(export_headers(), export_rows(rows), "roster")))
    sheet = book.active
    assert [c.value for c in sheet[1]] == export_headers()
    assert [c.value for c in sheet[2]][:2] == [rows[0]["name"], rows[0]["phone"]]
    assert sheet.max_row == len(rows) + 1
