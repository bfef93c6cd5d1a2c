"""The report pages: the case file shows each person what they may see and the steps they may take; My reports."""
import io
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from flask_login import FlaskLoginClient

from tests.factories import alleys_of, demo_street, make_user, file_report
from tests.services.cases.test_reports import jpeg, on_alley, report_at
from webapp.extensions import db
from webapp.models import Report, ReportPhoto, ReportStatus, Role
from webapp.services.cases.reports import follow_report
from webapp.services.cases.transitions import Step, transition
from webapp.services.places.claims import claim_alley
from webapp.storage import LocalPhotoStorage

EN = {"Accept-Language": "en"}
REPORTER, STEWARD = "王阿姨", "李管家"
NOTE = "已劝导店主把纸箱搬走"


@pytest.fixture
def case(app, tmp_path):
    """A resident's report, with a photo, on an alley that one steward holds; and the people around it."""
    app.extensions["photo_storage"] = LocalPhotoStorage(tmp_path / "uploads")
    app.test_client_class = FlaskLoginClient
    alley = alleys_of(demo_street())[0]
    steward, resident = make_user(Role.STEWARD, name=STEWARD), make_user(Role.RESIDENT, name=REPORTER)
    claim_alley(steward, alley.id)
    report, _ = file_report(resident, report_at(*on_alley(alley), description="门口堆了旧家具", photos=[jpeg()]))
    return SimpleNamespace(report=report, alley=alley, steward=steward, resident=resident,
                           chief=make_user(Role.CHIEF), stranger=make_user(Role.RESIDENT))


def browser(app, user=None):
    return app.test_client(user=user)


def page(app, user, path) -> tuple[int, str]:
    """Status and the page's <main> (the header shows the signed-in user's own name)."""
    response = browser(app, user).get(path, headers=EN)
    return response.status_code, main_of(response.get_data(as_text=True))


def header_of(html: str) -> str:
    return html[html.index("<header"):html.index("</header>")]


def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def text_of(html: str) -> str:
    """The page as a person reads it: no tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def handle(client, report_id, note=NOTE, photo: bytes | None = None, **headers):
    data = {"handle_on_spot-note": note}
    if photo is not None:
        data["handle_on_spot-photo"] = (io.BytesIO(photo), "after.jpg")
    return client.post(f"/reports/{report_id}/steps/handle_on_spot", data=data,
                                   content_type="multipart/form-data", headers=headers or EN)


def escalate(client, report_id, note=""):
    return client.post(f"/reports/{report_id}/steps/escalate", data={"escalate-note": note}, headers=EN)


def status_of(report_id) -> ReportStatus:
    db.session.expire_all()
    return db.session.get(Report, report_id).status


def test_everyone_sees_what_where_and_the_status_with_the_reports_photos(app, case):
    status, html = page(app, None, f"/reports/{case.report.id}")
    assert status == 200
    shown = text_of(html)
    assert "Goods piled in the lane" in shown
    assert case.alley.name in shown and "门口堆了旧家具" in shown and "Reported" in shown
    thumb = f'/api/v1/reports/{case.report.id}/photos/0?size=thumb'
    assert f'src="{thumb}"' in html and f'href="/api/v1/reports/{case.report.id}/photos/0"' in html
    assert "Me too (0)" in shown


@pytest.mark.parametrize("who, sees_in_full", [
    ("reporter", True), ("steward", True), ("chief", True), ("stranger", False), ("visitor", False)])
def test_the_reporter_and_the_notes_are_shown_only_to_those_allowed(app, case, who, sees_in_full):
    transition(case.steward, case.report.id, Step.HANDLE_ON_SPOT, note=NOTE, photo=jpeg())
    user = {"reporter": case.resident, "steward": case.steward, "chief": case.chief, "stranger": case.stranger,
            "visitor": None}[who]
    status, html = page(app, user, f"/reports/{case.report.id}")
    shown = text_of(html)
    assert status == 200 and "Handled on the spot" in shown  # the status and its step: public
    evidence = f"/api/v1/reports/{case.report.id}/photos/1"
    assert (REPORTER in shown, STEWARD in shown, NOTE in shown, evidence in html) == (sees_in_full,) * 4


def test_the_steps_are_offered_only_to_those_who_may_take_them_now(app, case):
    path = f"/reports/{case.report.id}"
    _, steward = page(app, case.steward, path)
    assert 'action="/reports/%d/steps/handle_on_spot"' % case.report.id in steward
    assert 'enctype="multipart/form-data"' in steward and 'accept="image/*"' in steward
    assert re.search(r'<textarea[^>]*name="handle_on_spot-note"[^>]*required', steward)
    assert 'action="/reports/%d/steps/escalate"' % case.report.id in steward
    _, reporter = page(app, case.resident, path)
    assert "steps/escalate" in reporter and "steps/handle_on_spot" not in reporter
    for user in (case.stranger, None):
        assert "/steps/" not in page(app, user, path)[1]
    chief = page(app, case.chief, path)[1]  # the chief may already reject or merge; accepting waits for escalation
    assert "steps/reject" in chief and "steps/merge" in chief and "steps/accept" not in chief
    assert "steps/escalate" not in chief and "steps/handle_on_spot" not in chief
    transition(case.resident, case.report.id, Step.ESCALATE)
    assert "/steps/" not in page(app, case.steward, path)[1]  # nothing left for the steward to do
    assert "steps/accept" in page(app, case.chief, path)[1]


def test_me_too_is_offered_to_neighbours_not_to_the_reporter(app, case):
    path = f"/reports/{case.report.id}"
    follow_form = f'action="/reports/{case.report.id}/follow"'
    assert follow_form in page(app, case.stranger, path)[1]
    assert follow_form not in page(app, case.resident, path)[1]
    visitor = page(app, None, path)[1]
    assert follow_form not in visitor and 'Sign in to say "me too"' in visitor

    stranger = browser(app, case.stranger)
    pressed = stranger.post(f"/reports/{case.report.id}/follow", headers=EN)
    assert pressed.status_code == 302 and pressed.headers["Location"].endswith(path)
    after = text_of(main_of(stranger.get(path, headers=EN).get_data(as_text=True)))
    assert "Me too (1)" in after and "You follow this report" in after and "Thank you" in after

    own = browser(app, case.resident).post(f"/reports/{case.report.id}/follow", headers=EN)
    assert own.status_code == 409 and "This is your own report." in text_of(own.get_data(as_text=True))


def test_a_steward_handles_it_on_the_spot_with_a_note_and_a_photo(app, case):
    client = browser(app, case.steward)
    done = handle(client, case.report.id, note=NOTE, photo=jpeg())
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/reports/{case.report.id}")
    assert status_of(case.report.id) is ReportStatus.HANDLED_ON_SPOT
    event = db.session.get(Report, case.report.id).events[-1]
    assert event.actor_id == case.steward.id and event.note == NOTE
    evidence = db.session.scalars(db.select(ReportPhoto).where(ReportPhoto.event_id == event.id)).all()
    assert len(evidence) == 1

    shown = text_of(main_of(client.get(done.headers["Location"], headers=EN).get_data(as_text=True)))
    assert "Recorded: handled on the spot" in shown and NOTE in shown and STEWARD in shown
    assert "Recorded" not in text_of(client.get(done.headers["Location"], headers=EN).get_data(as_text=True))


def test_the_reporter_passes_it_to_the_street_chief(app, case):
    client = browser(app, case.resident)
    sent = escalate(client, case.report.id, note="店主不听劝")
    assert sent.status_code == 302
    assert status_of(case.report.id) is ReportStatus.ESCALATED
    event = db.session.get(Report, case.report.id).events[-1]
    assert event.actor_id == case.resident.id and event.note == "店主不听劝"
    shown = text_of(main_of(client.get(sent.headers["Location"], headers=EN).get_data(as_text=True)))
    assert "Passed to the street chief." in shown and "店主不听劝" in shown


def test_a_step_someone_else_took_first_gets_a_clear_409_and_keeps_the_note(app, case):
    transition(case.resident, case.report.id, Step.ESCALATE)  # while the steward was typing
    late = handle(browser(app, case.steward), case.report.id, note=NOTE)
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    shown = text_of(html)
    assert "This report has moved on: that step is no longer possible." in shown
    assert "Passed to the street chief" in shown  # the page shows where the case is now
    assert re.search(r'<textarea id="kept-note"[^>]*readonly>' + NOTE + "</textarea>", html)
    assert "/steps/handle_on_spot" not in main_of(html)
    assert len(db.session.get(Report, case.report.id).events) == 2


def test_a_missing_note_keeps_the_page_with_the_error_next_to_the_field(app, case):
    refused = handle(browser(app, case.steward), case.report.id, note="   ")
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert 'role="alert"' in html and "Please write a short note." in html
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*name="handle_on_spot-note"', html) or \
        re.search(r'<textarea[^>]*name="handle_on_spot-note"[^>]*aria-invalid="true"', html)
    assert status_of(case.report.id) is ReportStatus.SUBMITTED
    # The language switch on that page points at the form's address: opened as a page it leads to the report.
    switch = re.search(r'class="lang-switch" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    back = browser(app, case.steward).get(switch)
    assert back.status_code == 302 and back.headers["Location"] == f"/reports/{case.report.id}?lang=zh_Hans"


def test_a_bad_photo_is_refused_in_the_users_language_and_the_note_is_kept(app, case):
    refused = handle(browser(app, case.steward), case.report.id, note=NOTE, photo=b"not a photo",
                     **{"Accept-Language": "zh-CN"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "请发送 JPEG、PNG 或 WebP 格式的照片。" in html
    assert re.search(r'name="handle_on_spot-note"[^>]*>\s*' + NOTE + "</textarea>", html)
    assert status_of(case.report.id) is ReportStatus.SUBMITTED


def test_steps_need_a_sign_in_and_the_right_person(app, case):
    visitor = escalate(browser(app), case.report.id)
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    stranger = escalate(browser(app, case.stranger), case.report.id)
    assert stranger.status_code == 403 and "You are not allowed to do that." in stranger.get_data(as_text=True)
    assert browser(app, case.steward).post(f"/reports/{case.report.id}/steps/close").status_code == 404
    assert status_of(case.report.id) is ReportStatus.SUBMITTED


def test_times_are_beijing_time(app, case):
    case.report.created_at = datetime(2026, 1, 5, 7, 30, tzinfo=timezone.utc)
    case.report.events[0].at = datetime(2026, 1, 5, 7, 30, tzinfo=timezone.utc)
    db.session.commit()
    shown = text_of(page(app, None, f"/reports/{case.report.id}")[1])
    assert "5 Jan 2026, 15:30" in shown and "07:30" not in shown
    zh = browser(app).get(f"/reports/{case.report.id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "2026年1月5日 15:30" in zh


def test_my_reports_lists_my_own_and_the_ones_i_follow_newest_first(app, case):
    alley = alleys_of(demo_street())[1]
    neighbour = make_user(Role.RESIDENT)
    own, _ = file_report(neighbour, report_at(*on_alley(alley), category="illegal_parking"))
    own.created_at = case.report.created_at - timedelta(hours=1)
    db.session.commit()
    follow_report(neighbour, case.report.id)
    transition(case.steward, case.report.id, Step.HANDLE_ON_SPOT, note=NOTE)

    status, html = page(app, neighbour, "/reports/mine")
    assert status == 200
    cards = re.findall(r'<a class="report-card" href="/reports/(\d+)">(.*?)</a>', html, re.S)
    assert [int(report_id) for report_id, _ in cards] == [case.report.id, own.id]
    followed, mine = text_of(cards[0][1]), text_of(cards[1][1])
    assert "Following" in followed and "Handled on the spot" in followed and "Reported" in followed
    assert "Following" not in mine and alley.name in mine
    assert NOTE not in html  # a follower sees the case as the public does
    assert '<section id="outbox" class="outbox" data-outbox hidden' in html


def test_my_reports_tells_a_newcomer_what_to_do_and_needs_a_sign_in(app, case):
    newcomer = browser(app, make_user(Role.STEWARD)).get("/reports/mine", headers=EN).get_data(as_text=True)
    assert "No reports yet." in text_of(newcomer) and "report it from the map" in text_of(newcomer)
    assert 'href="/reports/mine">My reports</a>' in header_of(newcomer)
    visitor = browser(app).get("/reports/mine")
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    assert "/reports/mine" not in header_of(browser(app).get("/", headers=EN).get_data(as_text=True))
