"""Accounts service: registration with and without invitations, sign-in, passwords, invitations."""
import threading
from datetime import timedelta

import pytest

from tests.conftest import config_for
from webapp import create_app
from webapp.errors import BadRequest, DomainError, Forbidden
from webapp.extensions import db
from webapp.models import Department, Invitation, Role, Street, User
from webapp.models.places import utcnow
from webapp.services.demo import DEMO_STREET, load_demo
from webapp.services.volunteers import accounts
from webapp.services.volunteers.accounts import Registration

PASSWORD = "long-enough-1"


@pytest.fixture
def demo(app):
    users = {u.username.removeprefix("demo_"): u for u in load_demo()}
    users["street"] = db.session.scalar(db.select(Street).where(Street.name == DEMO_STREET))
    return users


def user_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User))


def invite(street, role=Role.STEWARD, **options) -> Invitation:
    return accounts.create_invitation(None, street.id, role, **options)


def test_an_invitation_gives_its_role_in_its_street_and_counts_the_use(demo):
    invitation = invite(demo["street"], Role.OLD_NEIGHBOUR)
    user = accounts.register(Registration(display_name="李大爷", password=PASSWORD, phone="+86 139-1234-5678",
                                          code=invitation.code.lower()))
    assert user.phone == "13912345678"
    assert [(g.role, g.street_id) for g in user.grants] == [(Role.OLD_NEIGHBOUR, demo["street"].id)]
    db.session.refresh(invitation)
    assert invitation.uses == 1


def test_an_officer_invitation_carries_the_department(demo):
    department = db.session.scalar(db.select(Department).where(Department.name == "城管执法"))
    invitation = invite(demo["street"], Role.OFFICER, department_id=department.id)
    user = accounts.register(Registration(display_name="赵队员", password=PASSWORD, username="zhao_officer",
                                          code=invitation.code))
    assert (user.grants[0].role, user.grants[0].department_id) == (Role.OFFICER, department.id)


def test_without_an_invitation_a_street_is_needed_and_the_user_is_a_resident(demo):
    with pytest.raises(BadRequest) as refused:
        accounts.register(Registration(display_name="王阿姨", password=PASSWORD, phone="13800138000"))
    assert refused.value.details["field"] == "street_id"
    user = accounts.register(Registration(display_name="王阿姨", password=PASSWORD, phone="138 0013 8000",
                                          street_id=demo["street"].id))
    assert [(g.role, g.street_id) for g in user.grants] == [(Role.RESIDENT, demo["street"].id)]


@pytest.mark.parametrize("problem", ["expired", "used_up", "unknown"])
def test_an_unusable_invitation_is_refused_and_nothing_is_created(demo, problem):
    invitation = invite(demo["street"])
    code = invitation.code
    if problem == "expired":
        invitation.expires_at = utcnow() - timedelta(minutes=1)
    elif problem == "used_up":
        invitation.uses = 1
    else:
        code = "ABCDEFGHJK" if code != "ABCDEFGHJK" else "KJHGFEDCBA"
    db.session.commit()
    before = user_count()
    with pytest.raises(DomainError) as refused:
        accounts.register(Registration(display_name="迟到的人", password=PASSWORD, phone="13700000001", code=code))
    assert refused.value.code == f"invitation_{problem}"
    assert refused.value.details["field"] == "code"
    assert user_count() == before
    db.session.refresh(invitation)
    assert invitation.uses == (1 if problem == "used_up" else 0)


@pytest.mark.parametrize("phone", ["12345678901", "1380013800", "138001380000", "phone"])
def test_a_bad_mobile_number_is_refused(demo, phone):
    with pytest.raises(BadRequest) as refused:
        accounts.register(Registration(display_name="某人", password=PASSWORD, phone=phone,
                                       street_id=demo["street"].id))
    assert refused.value.details["field"] == "phone"


def test_a_phone_number_or_username_registers_only_once(demo):
    street_id = demo["street"].id
    accounts.register(Registration(display_name="甲", password=PASSWORD, phone="13800000001", street_id=street_id))
    with pytest.raises(accounts.AccountExists) as refused:
        accounts.register(Registration(display_name="乙", password=PASSWORD, phone="+86 138 0000 0001",
                                       street_id=street_id))
    assert refused.value.details["field"] == "phone"
    with pytest.raises(accounts.AccountExists) as refused:
        accounts.register(Registration(display_name="丙", password=PASSWORD, username="demo_steward",
                                       street_id=street_id))
    assert refused.value.details["field"] == "username"


def test_short_passwords_and_phone_like_usernames_are_refused(demo):
    street_id = demo["street"].id
    with pytest.raises(BadRequest):
        accounts.register(Registration(display_name="甲", password="short", phone="13800000001", street_id=street_id))
    with pytest.raises(BadRequest) as refused:
        accounts.register(Registration(display_name="甲", password=PASSWORD, username="13800000001",
                                       street_id=street_id))
    assert refused.value.details["field"] == "username"


def test_sign_in_by_phone_in_any_format_or_username_with_one_error_for_every_failure(demo):
    user = accounts.register(Registration(display_name="甲", password=PASSWORD, phone="13800000001",
                                          street_id=demo["street"].id))
    assert accounts.authenticate("+86 138-0000-0001", PASSWORD) == user
    assert accounts.authenticate("demo_steward", "demo-password") == demo["steward"]
    messages = set()
    for login, password in [("13800000001", "wrong-password"), ("13900000009", PASSWORD), ("nobody", PASSWORD),
                            ("", "")]:
        with pytest.raises(accounts.WrongCredentials) as refused:
            accounts.authenticate(login, password)
        messages.add(str(refused.value.message))
    assert len(messages) == 1


def test_a_disabled_account_cannot_sign_in(demo):
    demo["steward"].active = False
    db.session.commit()
    with pytest.raises(accounts.WrongCredentials):
        accounts.authenticate("demo_steward", "demo-password")


def test_changing_the_password_needs_the_current_one(demo):
    user = demo["resident"]
    with pytest.raises(accounts.WrongPassword):
        accounts.change_password(user, "not-it", "a-new-password")
    with pytest.raises(BadRequest):
        accounts.change_password(user, "demo-password", "short")
    accounts.change_password(user, "demo-password", "a-new-password")
    assert accounts.authenticate("demo_resident", "a-new-password") == user


def test_invitation_codes_are_easy_to_type_and_unique(demo):
    codes = {invite(demo["street"]).code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 10 and not set(code) & set("0O1IL")


def test_only_organizers_of_the_street_or_admins_create_invitations(demo):
    street = demo["street"]
    other = Street(name="另一街道")
    db.session.add(other)
    db.session.commit()
    for who in ("steward", "chief", "resident"):
        with pytest.raises(Forbidden):
            accounts.create_invitation(demo[who], street.id, Role.STEWARD)
    with pytest.raises(Forbidden):
        accounts.create_invitation(demo["organizer"], other.id, Role.STEWARD)
    with pytest.raises(Forbidden):  # admins are made on the command line, never by invitation
        accounts.create_invitation(demo["organizer"], street.id, Role.ADMIN)
    invitation = accounts.create_invitation(demo["organizer"], street.id, Role.CHIEF, days=3, max_uses=2)
    assert (invitation.created_by_id, invitation.max_uses) == (demo["organizer"].id, 2)
    assert accounts.create_invitation(demo["admin"], other.id, Role.ORGANIZER).street_id == other.id
    with pytest.raises(BadRequest):
        accounts.create_invitation(demo["organizer"], street.id, Role.OFFICER)  # needs a department


def test_two_people_racing_for_a_single_use_code_give_one_winner(demo, database_url):
    code = invite(demo["street"]).code
    before = user_count()
    # Separate apps, so separate engines, connections and sessions, as two server processes would have.
    apps = [create_app(config_for(database_url)) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(number, racer_app):
        with racer_app.app_context():
            try:
                barrier.wait(timeout=10)
                accounts.register(Registration(display_name=f"抢码{number}", password=PASSWORD,
                                               phone=f"1390000000{number}", code=code))
                outcomes.append("registered")
            except accounts.InvitationUsedUp:
                outcomes.append("used_up")
            except Exception as err:  # noqa: BLE001  (reported by the assertion below)
                outcomes.append(repr(err))
            finally:
                db.session.remove()
                db.engine.dispose()

    threads = [threading.Thread(target=attempt, args=(n, a)) for n, a in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["registered", "used_up"]
    db.session.expire_all()
    assert user_count() == before + 1
    assert db.session.scalar(db.select(Invitation.uses).where(Invitation.code == code)) == 1


def test_the_account_summary_for_the_api(demo):
    summary = accounts.account_summary(demo["steward"])
    roles = [(r["role"], r["street_id"], r["street"]) for r in summary["roles"]]
    assert roles == [("steward", demo["street"].id, DEMO_STREET)]
    assert summary["street_id"] == demo["street"].id
    assert summary["claim_limit"] == 3 and summary["open_claims"] == 0
    assert accounts.account_summary(demo["admin"])["street_id"] is None
