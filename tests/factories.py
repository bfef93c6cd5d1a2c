"""Small factories for tests: a street with alleys, and users with a role in it."""
import itertools

from webapp.extensions import db
from webapp.models import Alley, Report, Role, Street
from webapp.services.demo import DEMO_STREET, load_demo
from webapp.services.volunteers.people import create_user

_numbers = itertools.count(1)
PASSWORD = "correct-horse-1"


def demo_street() -> Street:
    street = db.session.scalar(db.select(Street).where(Street.name == DEMO_STREET))
    if street is None:
        load_demo()
        street = db.session.scalar(db.select(Street).where(Street.name == DEMO_STREET))
    return street


def alleys_of(street: Street) -> list[Alley]:
    return db.session.scalars(db.select(Alley).where(Alley.street_id == street.id).order_by(Alley.id)).all()


def make_user(role: Role = Role.STEWARD, street: Street | None = None, name: str | None = None):
    n = next(_numbers)
    street = street or demo_street()
    return create_user(display_name=name or f"志愿者{n}", username=f"user{n}", password=PASSWORD, role=role,
                       street_name=None if role is Role.ADMIN else street.name,
                       department_name="城管执法" if role is Role.OFFICER else None)


def other_street() -> Street:
    from shapely.geometry import box

    from geo.records import StreetRecord
    from webapp.services.places.alleys import import_streets

    import_streets([StreetRecord("别的街道", None, box(116.30, 39.80, 116.31, 39.81), "test")])
    return db.session.scalar(db.select(Street).where(Street.name == "别的街道"))


def file_report(user, data):
    """submit_report, answering (the Report row, created) as the tests want to look at it."""
    from webapp.services.cases.reports import submit_report

    filed = submit_report(user, data)
    return db.session.get(Report, filed.id), filed.created
