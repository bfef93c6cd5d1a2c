"""What stewards and teams achieved, where organizers look: the roster (a sortable column, its CSV and xlsx), a
volunteer's profile, the team page, and the volunteer's own My patrols page; in the year or a chosen period."""
import csv
import io

import pytest
from flask_login import FlaskLoginClient
from openpyxl import load_workbook
from sqlalchemy import event

from tests.factories import make_user
from tests.services.volunteers.test_achievements import a_year_of_work, street  # noqa: F401  (the fixture)
from webapp.extensions import db
from webapp.models import Role
from webapp.services.organizing.roster import RosterFilter, roster_page
from webapp.services.organizing.teams import add_to_team, create_team

EN = {"Accept-Language": "en"}


@pytest.fixture
def organizer(app, street):  # noqa: F811
    a_year_of_work(street)
    app.test_client_class = FlaskLoginClient
    return app.test_client(user=street.organizer)


def roster_rows(html: str) -> list[str]:
    """The volunteers' names in the order the roster table lists them."""
    body = html[html.index('<table class="roster-table" id="roster">'):]
    body = body[:body.index("</table>")]
    return [cell.split(">", 1)[1].split("<", 1)[0] for cell in body.split('<td><a href="/roster/people/')[1:]]


def test_the_roster_sorts_by_each_figure_and_says_which_way(organizer, street):  # noqa: F811
    page = organizer.get("/roster/?sort=-escalated", headers=EN).get_data(as_text=True)
    assert 'aria-sort="descending"' in page and "Problems counted: Year 2025" in page
    names = roster_rows(page)
    assert names[:2] == ["李阿姨", "王师傅"]  # 2 each passed up: then by name, as the roster lists them
    by_confirmed = roster_rows(organizer.get("/roster/?sort=-confirmed").get_data(as_text=True))
    assert by_confirmed[0] == "王师傅"
    least_first = roster_rows(organizer.get("/roster/?sort=on_the_spot").get_data(as_text=True))
    assert least_first[-1] == "王师傅"
    assert organizer.get("/roster/?sort=password").status_code == 400


def test_the_roster_counts_a_chosen_period(organizer):
    page = organizer.get("/roster/?from=2025-01-01&to=2025-01-01&sort=-on_the_spot", headers=EN).get_data(as_text=True)
    assert "Problems counted: 2025-01-01 – 2025-01-01" in page
    row = page[page.index(">王师傅</a>"):]
    row = row[:row.index("</tr>")]
    assert '<td class="num">1</td><td class="num">0</td><td class="num">0</td>' in row
    assert organizer.get("/roster/?from=2025-02-01&to=2025-01-01").status_code == 400


def test_the_exports_carry_the_figures_of_the_period(organizer):
    text = organizer.get("/roster/export.csv?sort=-escalated", headers=EN).get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert {"Handled on the spot", "Escalated", "Resolved and confirmed"} <= set(header)
    wang = next(row for row in rows if row[0] == "王师傅")
    figures = [wang[header.index(k)] for k in ("Handled on the spot", "Escalated", "Resolved and confirmed")]
    assert figures == ["1", "2", "1"]
    chosen = organizer.get("/roster/export.xlsx?from=2026-01-01&to=2026-01-31", headers=EN)
    assert 'filename="roster-' in chosen.headers["Content-Disposition"]
    assert "-20260101-20260131.xlsx" in chosen.headers["Content-Disposition"]
    sheet = list(load_workbook(io.BytesIO(chosen.get_data())).active.values)
    column = sheet[0].index("Resolved and confirmed")
    assert next(row for row in sheet if row[0] == "王师傅")[column] == 1  # the late confirmation


def test_the_roster_api_answers_the_figures_and_the_period(organizer):
    answer = organizer.get("/api/v1/roster?from=2025-03-01&to=2025-03-31").get_json()
    assert answer["period"] == {"from": "2025-03-01", "to": "2025-03-31"}
    li = next(v for v in answer["volunteers"] if v["name"] == "李阿姨")
    assert (li["on_the_spot"], li["escalated"], li["confirmed"]) == (0, 2, 0)


def test_a_volunteers_profile_says_what_they_achieved(organizer, street):  # noqa: F811
    page = organizer.get(f"/roster/people/{street.wang.id}", headers=EN).get_data(as_text=True)
    assert "Problems handled on the spot by persuasion: 1; passed up to the street chief: 2; resolved and confirmed by " \
           "residents: 1." in page
    zh = organizer.get(f"/roster/people/{street.wang.id}?year=2024", headers={"Accept-Language": "zh-CN"})
    assert "劝导解决问题1起，上报街巷长0起，问题解决并经居民确认0起" in zh.get_data(as_text=True)


def test_the_team_page_says_what_the_team_achieved(organizer, street):  # noqa: F811
    team = create_team(street.organizer, street.alley.street_id, "南锣老街坊")
    for steward in (street.wang, street.li):
        add_to_team(street.organizer, team.id, steward.id)
    page = organizer.get(f"/roster/teams/{team.id}?year=2025", headers=EN).get_data(as_text=True)
    # Both joined today, after the year's work: nothing counts for the team yet.
    assert "passed up to the street chief: 0" in page
    db.session.execute(db.text("UPDATE team_memberships SET joined_at = :t"), {"t": "2024-01-01 00:00:00"})
    db.session.commit()
    page = organizer.get(f"/roster/teams/{team.id}?year=2025", headers=EN).get_data(as_text=True)
    assert "Problems handled on the spot by persuasion: 1; passed up to the street chief: 4; resolved and confirmed by " \
           "residents: 1." in page
    march = organizer.get(f"/roster/teams/{team.id}?year=2025&from=2025-03-10&to=2025-03-10", headers=EN)
    assert "2025-03-10 – 2025-03-10" in march.get_data(as_text=True)


def test_my_patrols_page_says_what_i_achieved(app, street):  # noqa: F811
    a_year_of_work(street)
    app.test_client_class = FlaskLoginClient
    page = app.test_client(user=street.li).get("/patrols/mine", headers=EN).get_data(as_text=True)
    assert '<dd data-achieved="escalated">2</dd>' in page and '<dd data-achieved="confirmed">0</dd>' in page
    march = app.test_client(user=street.li).get("/patrols/mine?from=2025-03-10&to=2025-03-10", headers=EN)
    assert "2025-03-10 – 2025-03-10" in march.get_data(as_text=True)


def test_the_roster_takes_as_many_queries_for_many_volunteers_as_for_few(street):  # noqa: F811
    a_year_of_work(street)
    counts = []
    for more in (0, 15):
        for _ in range(more):
            make_user(Role.STEWARD)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            rows = roster_page(street.alley.street_id, 2025, street.clock.now, RosterFilter())
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(statements))
        assert next(r for r in rows if r["name"] == "王师傅")["escalated"] == 2
    assert counts[0] == counts[1]
