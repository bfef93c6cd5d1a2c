"""Accounts in the browser and the API: register, sign in and out, passwords, invitations, limits, CSRF."""
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from tests.conftest import config_for
from webapp import create_app
from webapp.extensions import db
from webapp.models import Invitation, Role, Street, User
from webapp.models.places import utcnow
from webapp.services.demo import DEMO_STREET, load_demo
from webapp.services.volunteers import accounts

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
WRONG = "Wrong mobile number/username or password."


@pytest.fixture
def street(app):
    load_demo()
    return db.session.scalar(db.select(Street).where(Street.name == DEMO_STREET))


def sign_in(client, login="demo_organizer", password="demo-password", **extra):
    return client.post("/login", data={"login": login, "password": password, **extra}, headers=EN)


def signed_in_as(client):
    response = client.get("/api/v1/me")
    return response.get_json()["display_name"] if response.status_code == 200 else None


def new_user(form: dict, **fields) -> dict:
    return {"display_name": "王阿姨", "phone": "138 0013 8000", "password": "long-enough-1",
            "confirm": "long-enough-1", **form, **fields}


def count_users() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User))


DEMO_USERS = len(Role)  # the demo street has one demo user per role


def test_the_pages_have_labelled_inputs_for_phones(client, street):
    page = client.get("/register", headers=EN).get_data(as_text=True)
    assert 'autocomplete="tel"' in page and 'inputmode="tel"' in page and 'autocomplete="new-password"' in page
    assert DEMO_STREET in page  # the street select for residents
    for field_id in ("display_name", "phone", "username", "password", "confirm", "street_id", "code"):
        assert f'<label for="{field_id}">' in page
    login = client.get("/login", headers=EN).get_data(as_text=True)
    assert 'autocomplete="current-password"' in login and 'name="csrf-token"' in login


def test_registering_with_an_invitation_link_gives_its_role_and_signs_in(client, street):
    code = accounts.create_invitation(None, street.id, Role.STEWARD).code
    invite_page = client.get(f"/invite/{code}", headers=EN)
    assert invite_page.status_code == 200
    assert DEMO_STREET in invite_page.get_data(as_text=True) and "Alley Steward" in invite_page.get_data(as_text=True)
    form = client.get(f"/register?code={code}", headers=EN).get_data(as_text=True)
    assert f'value="{code}"' in form and "You are invited to join" in form

    response = client.post("/register", data=new_user({"code": code}), headers=EN)
    assert response.status_code == 302 and response.location.endswith("/")
    me = client.get("/api/v1/me").get_json()
    assert me["phone"] == "13800138000"
    assert [(r["role"], r["street"]) for r in me["roles"]] == [("steward", DEMO_STREET)]
    assert me["street_id"] == street.id


def test_registering_without_an_invitation_makes_a_resident_of_the_chosen_street(client, street):
    response = client.post("/register", data=new_user({"street_id": street.id}), headers=EN)
    assert response.status_code == 302
    assert [r["role"] for r in client.get("/api/v1/me").get_json()["roles"]] == ["resident"]


def test_without_a_street_or_code_the_form_says_what_is_missing(client, street):
    response = client.post("/register", data=new_user({}, phone="", confirm="other-password"), headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'role="alert"' in page
    for message in ("Please choose your street.", "Please enter a mobile number or a username.",
                    "The two passwords are not the same."):
        assert message in page
    assert count_users() == DEMO_USERS


@pytest.mark.parametrize("problem,message", [
    ("expired", "This invitation has expired."),
    ("used_up", "This invitation has already been used."),
    ("unknown", "There is no invitation with this code."),
])
def test_an_unusable_invitation_is_refused_clearly_and_nothing_is_created(client, street, problem, message):
    invitation = accounts.create_invitation(None, street.id, Role.STEWARD)
    code = invitation.code if problem != "unknown" else "XXXXXXXXXX"
    if problem == "expired":
        invitation.expires_at = utcnow() - timedelta(days=1)
    if problem == "used_up":
        invitation.uses = invitation.max_uses
    db.session.commit()
    response = client.post("/register", data=new_user({"code": code}), headers=EN)
    assert response.status_code in (404, 409)
    assert message in response.get_data(as_text=True)
    assert count_users() == DEMO_USERS and signed_in_as(client) is None
    link = client.get(f"/invite/{code}", headers=EN)
    assert link.status_code in (404, 409) and message in link.get_data(as_text=True)


def test_a_bad_phone_number_is_shown_next_to_the_field(client, street):
    response = client.post("/register", data=new_user({"street_id": street.id}, phone="12345"), headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="phone-error">Please enter an 11-digit mainland mobile number', page)
    assert 'aria-invalid="true"' in page and count_users() == DEMO_USERS


def test_a_duplicate_phone_number_is_refused(client, street):
    assert client.post("/register", data=new_user({"street_id": street.id}), headers=EN).status_code == 302
    client.post("/logout")
    again = client.post("/register", data=new_user({"street_id": street.id}, phone="+86 13800138000"), headers=EN)
    assert again.status_code == 409
    assert "This mobile number is already registered." in again.get_data(as_text=True)
    assert count_users() == DEMO_USERS + 1


def test_sign_in_and_out(client, street):
    response = sign_in(client, next="/?street=1")
    assert response.status_code == 302 and response.location == "/?street=1"
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    assert "演示组织者" in client.get("/", headers=EN).get_data(as_text=True)  # the header shows who
    assert client.post("/logout").status_code == 302
    assert signed_in_as(client) is None


def test_remember_me_sets_the_long_lived_cookie(client, street):
    response = sign_in(client, login="demo_steward", remember="y")
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_sign_in_never_redirects_to_another_site(client, street):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = sign_in(client, next=target)
        assert response.location == "/"
        client.post("/logout")


@pytest.mark.parametrize("headers", [EN, ZH])
def test_a_wrong_password_gets_one_generic_message_in_the_users_language(client, street, headers):
    locale = "en" if headers is EN else "zh_Hans"
    with force_locale(locale):
        expected = gettext(WRONG)
    pages = []
    for login, password in [("demo_steward", "not-the-password"), ("nobody_here", "not-the-password"),
                            ("13900000000", "demo-password")]:
        response = client.post("/login", data={"login": login, "password": password}, headers=headers)
        assert response.status_code == 401
        pages.append(response.get_data(as_text=True))
    for page in pages:
        assert expected in page and 'role="alert"' in page
        assert ('lang="en"' if locale == "en" else 'lang="zh-Hans"') in page
    assert signed_in_as(client) is None


def test_pages_for_signed_in_users_send_others_to_sign_in(client, street):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login?next=/account/password" in response.location


def test_changing_the_password(client, street):
    sign_in(client, login="demo_resident")
    wrong = client.post("/account/password", data={"current_password": "nope-nope", "new_password": "new-password-1",
                                                   "confirm": "new-password-1"}, headers=EN)
    assert wrong.status_code == 400 and "The current password is not correct." in wrong.get_data(as_text=True)
    done = client.post("/account/password", data={"current_password": "demo-password",
                                                  "new_password": "new-password-1", "confirm": "new-password-1"},
                       headers=EN, follow_redirects=True)
    assert "Your password has been changed." in done.get_data(as_text=True)
    client.post("/logout")
    assert sign_in(client, login="demo_resident").status_code == 401
    assert sign_in(client, login="demo_resident", password="new-password-1").status_code == 302


def test_me_needs_a_signed_in_user(client, street):
    signed_out = client.get("/api/v1/me", headers=EN)
    assert signed_out.status_code == 401 and signed_out.get_json()["error"]["code"] == "unauthorized"
    sign_in(client, login="demo_steward")
    me = client.get("/api/v1/me").get_json()
    assert set(me) >= {"id", "display_name", "username", "phone", "roles", "street_id", "claim_limit", "open_claims"}
    assert me["username"] == "demo_steward" and me["claim_limit"] == 3


def test_organizers_create_invitations_for_their_street_through_the_api(client, street):
    body = {"role": "steward", "street_id": street.id}
    assert client.post("/api/v1/invitations", json=body).status_code == 401
    sign_in(client, login="demo_organizer")
    created = client.post("/api/v1/invitations", json={**body, "days": 7, "max_uses": 3})
    assert created.status_code == 201
    data = created.get_json()
    assert data["url"].endswith(f"/invite/{data['code']}") and data["role"] == "steward"
    assert db.session.scalar(db.select(Invitation.max_uses).where(Invitation.code == data["code"])) == 3
    assert client.post("/api/v1/invitations", json={**body, "role": "admin"}).status_code == 403
    assert client.post("/api/v1/invitations", json={**body, "role": "king"}).status_code == 400
    assert client.post("/api/v1/invitations", json={**body, "days": "soon"}).status_code == 400


def test_stewards_and_organizers_of_other_streets_cannot_invite(client, street):
    other = Street(name="另一街道")
    db.session.add(other)
    db.session.commit()
    sign_in(client, login="demo_steward")
    refused = client.post("/api/v1/invitations", json={"role": "steward", "street_id": street.id})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    client.post("/logout")
    sign_in(client, login="demo_organizer")
    assert client.post("/api/v1/invitations", json={"role": "steward", "street_id": other.id}).status_code == 403


def test_cli_prints_an_invitation_code_and_link(app, street):
    result = app.test_cli_runner().invoke(args=["users", "invite", "--street", DEMO_STREET, "--role", "steward"])
    assert result.exit_code == 0, result.output
    code = re.search(r"code: (\w+)", result.output).group(1)
    assert f"/invite/{code}" in result.output
    assert db.session.scalar(db.select(Invitation.role).where(Invitation.code == code)) is Role.STEWARD


@pytest.fixture
def limited_app(app, database_url):
    """An app with the login limits switched on (the normal test app has them off)."""
    limited = create_app(config_for(database_url) | {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT": "3 per 5 minutes",
                                                     "LOGIN_ADDRESS_LIMIT": "8 per 5 minutes"})
    load_demo()
    return limited


CENTRE = {"REMOTE_ADDR": "10.0.0.1"}  # one community centre's Wi-Fi


def test_one_volunteers_mistyped_passwords_lock_their_account_not_the_centres_wifi(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        wrong = client.post("/login", data={"login": "demo_steward", "password": "x"}, environ_base=CENTRE)
        assert wrong.status_code == 401
    locked = client.post("/login", data={"login": "demo_steward", "password": "demo-password"}, environ_base=CENTRE,
                         headers=EN)
    assert locked.status_code == 429
    assert "Too many attempts. Please try again in 5 min." in locked.get_data(as_text=True)
    assert 0 < int(locked.headers["Retry-After"]) <= 300
    other = limited_app.test_client()
    signed_in = other.post("/login", data={"login": "demo_organizer", "password": "demo-password"}, environ_base=CENTRE)
    assert signed_in.status_code == 302


def test_successful_sign_ins_do_not_count(limited_app):
    for _ in range(5):
        client = limited_app.test_client()
        assert client.post("/login", data={"login": "demo_resident", "password": "demo-password"},
                           environ_base=CENTRE).status_code == 302


def test_a_locked_unknown_account_answers_as_a_locked_real_one(limited_app):
    client = limited_app.test_client()
    answers = {}
    for login in ("demo_chief", "nobody_here"):
        for _ in range(3):
            client.post("/login", data={"login": login, "password": "x"}, environ_base=CENTRE)
        answers[login] = client.post("/login", data={"login": login, "password": "x"}, environ_base=CENTRE,
                                     headers={**ZH, "Accept": "application/json"})
    real, unknown = answers["demo_chief"], answers["nobody_here"]
    assert real.status_code == unknown.status_code == 429
    assert real.get_json()["error"]["code"] == unknown.get_json()["error"]["code"] == "too_many_requests"
    assert real.get_json()["error"]["message"] == unknown.get_json()["error"]["message"] \
        == "尝试次数太多，请在 5 分钟后再试。"


def test_many_failures_from_one_address_are_limited_well_above_one_account(limited_app):
    client = limited_app.test_client()
    for n in range(8):
        response = client.post("/login", data={"login": f"guess{n}", "password": "x"}, environ_base=CENTRE)
        assert response.status_code == 401
    blocked = client.post("/login", data={"login": "guess9", "password": "x"}, environ_base=CENTRE, headers=EN)
    assert blocked.status_code == 429
    elsewhere = client.post("/login", data={"login": "guess9", "password": "x"},
                            environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert elsewhere.status_code == 401


def test_sign_in_attempts_are_limited_per_account_however_the_number_is_typed(limited_app):
    client = limited_app.test_client()
    typings = ["13800138000", "138 0013 8000", "+86 138-0013-8000", "13800138000"]
    for n, login in enumerate(typings[:3]):
        response = client.post("/login", data={"login": login, "password": "x"},
                               environ_base={"REMOTE_ADDR": f"10.0.1.{n}"})
        assert response.status_code == 401
    blocked = client.post("/login", data={"login": typings[3], "password": "x"},
                          environ_base={"REMOTE_ADDR": "10.0.1.99"}, headers=ZH)
    assert blocked.status_code == 429
    assert client.get("/login").status_code == 200  # only attempts count, not looking at the page


def test_with_csrf_on_a_post_without_the_token_is_refused(app, database_url):
    protected = create_app(config_for(database_url) | {"WTF_CSRF_ENABLED": True})
    load_demo()
    client = protected.test_client()
    refused = client.post("/login", data={"login": "demo_organizer", "password": "demo-password"})
    assert refused.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    accepted = client.post("/login", data={"login": "demo_organizer", "password": "demo-password",
                                           "csrf_token": token})
    assert accepted.status_code == 302
    street_id = db.session.scalar(db.select(Street.id).where(Street.name == DEMO_STREET))
    body = {"role": "steward", "street_id": street_id}
    assert client.post("/api/v1/invitations", json=body).status_code == 400
    assert client.post("/api/v1/invitations", json=body, headers={"X-CSRFToken": token}).status_code == 201


def test_changing_the_password_signs_out_every_other_phone_but_this_one(app, street):
    this_phone, other_phone = app.test_client(), app.test_client()
    sign_in(this_phone, login="demo_resident", remember="y")
    sign_in(other_phone, login="demo_resident", remember="y")
    this_phone.post("/account/password", data={"current_password": "demo-password",
                                                "new_password": "new-password-1", "confirm": "new-password-1"})
    assert signed_in_as(this_phone) is not None
    assert signed_in_as(other_phone) is None
