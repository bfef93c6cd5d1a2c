"""A street's roster as files: the export (CSV, xlsx) of its volunteers with their year, and the CSV import,
checked row by row first (the preview) and then written in one transaction: nothing is imported while any row
is in error. Imported volunteers get an account without a usable password; they sign in after an invitation
or a password reset, like anyone an organizer adds."""
import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.errors import BadRequest, DomainError, Forbidden
from webapp.extensions import db
from webapp.models import PostHolding, Role, RoleGrant, ServicePost, Street, Team, TeamMembership, User
from webapp.policies import VOLUNTEER, can_manage_roster
from webapp.services.volunteers.achievements import Period, volunteer_achievements, year_period
from webapp.services.volunteers.hours import standings
from webapp.services.volunteers.people import normalise_phone, new_user

# The columns, by the headers an organizer's sheet may use for them (English or Chinese).
HEADERS = {"name": ("name", "姓名"), "phone": ("phone", "手机号", "手机"), "role": ("role", "角色"),
           "teams": ("teams", "队伍"), "posts": ("posts", "岗位")}
ROLE_WORDS = {"steward": Role.STEWARD, "小巷管家": Role.STEWARD, "old_neighbour": Role.OLD_NEIGHBOUR,
              "老街坊": Role.OLD_NEIGHBOUR}
LIST_SEPARATORS = re.compile(r"[;；、,，]")
MAX_ROWS = 2000


class RosterInvalid(BadRequest):
    code = "roster_invalid"
    message = _l("Nothing was imported: some rows have errors.")


@dataclass
class RowCheck:
    """One data row of the file (line: its line number in the file, the header being line 1)."""
    line: int
    name: str = ""
    phone: str = ""
    role: Role | None = None
    teams: list[Team] = field(default_factory=list)
    posts: list[ServicePost] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"line": self.line, "name": self.name, "phone": self.phone,
                "role": self.role.value if self.role else None, "teams": [t.name for t in self.teams],
                "posts": [p.name for p in self.posts], "errors": self.errors}


def check_roster_csv(street_id: int, data: bytes) -> list[RowCheck]:
    """Every row with its errors (none: it would import). Raises BadRequest for a file that is not a roster."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest(_l("The file must be CSV in UTF-8 (in Excel: Save As, CSV UTF-8)."))
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None) or []
    columns = {key: i for i, title in enumerate(header) for key, names in HEADERS.items()
               if title.strip().lower() in names}
    if not {"name", "phone", "role"} <= set(columns):
        raise BadRequest(_l("The first row must name the columns: 姓名 (name), 手机号 (phone), 角色 (role), and "
                            "optionally 队伍 (teams) and 岗位 (posts)."))
    teams = {t.name: t for t in db.session.scalars(select(Team).where(Team.street_id == street_id))}
    posts = {p.name: p for p in db.session.scalars(select(ServicePost).where(ServicePost.street_id == street_id))}
    settings = current_app.config
    rows, seen = [], {}
    lines = list(enumerate(reader, start=2))
    registered = _registered_phones([values[columns["phone"]] for _, values in lines if columns["phone"] < len(values)])
    for line, values in lines:
        if not any(v.strip() for v in values):
            continue
        if len(rows) == MAX_ROWS:
            raise BadRequest(_l("At most %(n)s rows at a time.", n=MAX_ROWS))
        cell = lambda key: values[columns[key]].strip() if key in columns and columns[key] < len(values) else ""  # noqa: E731
        row = RowCheck(line, name=cell("name"))
        if not 1 <= len(row.name) <= 60:
            row.errors.append(str(_l("A name of 1 to %(n)s characters is needed.", n=60)))
        try:
            row.phone = normalise_phone(cell("phone"))
        except DomainError as error:
            row.phone = cell("phone")
            row.errors.append(str(error.message))
        row.role = ROLE_WORDS.get(cell("role").lower())
        if row.role is None:
            row.errors.append(str(_l("Unknown role “%(role)s”: 小巷管家 (steward) or 老街坊 (old_neighbour).",
                                     role=cell("role"))))
        row.teams = _named(cell("teams"), teams, row.errors,
                           lambda name: _l("No team named “%(name)s” in this street.", name=name))
        row.posts = _named(cell("posts"), posts, row.errors,
                           lambda name: _l("No post named “%(name)s” in this street.", name=name))
        if len(row.teams) > settings["TEAMS_PER_VOLUNTEER"]:
            row.errors.append(str(_l("At most %(n)s teams.", n=settings["TEAMS_PER_VOLUNTEER"])))
        if len(row.posts) > settings["POSTS_PER_VOLUNTEER"]:
            row.errors.append(str(_l("At most %(n)s posts.", n=settings["POSTS_PER_VOLUNTEER"])))
        if row.phone in seen:
            row.errors.append(str(_l("The same mobile number as line %(line)s.", line=seen[row.phone])))
        elif row.phone in registered:
            row.errors.append(str(_l("That mobile number is already registered.")))
        seen.setdefault(row.phone, line)
        rows.append(row)
    return rows


def _registered_phones(cells: list[str]) -> set[str]:
    """Which of the file's mobile numbers already have an account (one query for the whole file)."""
    phones = set()
    for cell in cells:
        try:
            phones.add(normalise_phone(cell))
        except DomainError:
            pass
    return set(db.session.scalars(select(User.phone).where(User.phone.in_(phones)))) if phones else set()


def _named(text: str, known: dict, errors: list[str], unknown) -> list:
    """The teams (or posts) a cell names, separated by ; 、 or commas; `unknown(name)`: the error for a stranger."""
    found = []
    for name in filter(None, (part.strip() for part in LIST_SEPARATORS.split(text))):
        if name in known:
            found.append(known[name])
        else:
            errors.append(str(unknown(name)))
    return found


def import_roster(organizer: User, street_id: int, data: bytes) -> list[User]:
    """All the file's volunteers, with their teams and posts, or none (RosterInvalid lists each row's errors)."""
    if not can_manage_roster(organizer, street_id):
        raise Forbidden()
    rows = check_roster_csv(street_id, data)
    if not rows:
        raise BadRequest(_l("The file has no volunteers in it."))
    if any(row.errors for row in rows):
        raise RosterInvalid(rows=[row.as_dict() for row in rows if row.errors])
    street = db.session.get(Street, street_id)
    created = []
    try:
        for row in rows:
            user = new_user(display_name=row.name, phone=row.phone, password=secrets.token_urlsafe(24),
                            role=row.role, street_name=street.name)
            for team in row.teams:
                db.session.add(TeamMembership(team_id=team.id, user_id=user.id))
            for post in row.posts:
                db.session.add(PostHolding(post_id=post.id, user_id=user.id))
            user.open_teams, user.open_posts = len(row.teams), len(row.posts)
            created.append(user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return created


# --- the export -----------------------------------------------------------------------------------------

EXPORT_COLUMNS = [("name", _l("Name")), ("phone", _l("Mobile number")), ("roles", _l("Roles")),
                  ("teams", _l("Teams")), ("posts", _l("Posts")), ("activities", _l("Activities attended")),
                  ("patrol_hours", _l("Patrol hours")), ("activity_hours", _l("Activity hours")),
                  ("hours", _l("Hours")), ("on_the_spot", _l("Handled on the spot")), ("escalated", _l("Escalated")),
                  ("confirmed", _l("Resolved and confirmed")), ("status", _l("Old Neighbour rule")),
                  ("active", _l("Active"))]
ROLE_LABELS = {Role.STEWARD: _l("Alley Steward"), Role.OLD_NEIGHBOUR: _l("Old Neighbour")}
STATUS_LABELS = {"met": _l("met"), "at_risk": _l("at risk"), "not_met": _l("not met")}


def roster(street_id: int, year: int, now: datetime | None = None, period: Period | None = None) -> list[dict]:
    """The street's volunteers (stewards and Old Neighbours), by name, with their teams, posts and year, and the
    problems they handled in `period` (the year unless given)."""
    grants = db.session.execute(select(User, RoleGrant.role).join(RoleGrant).where(
        RoleGrant.street_id == street_id, RoleGrant.role.in_(VOLUNTEER)).order_by(User.display_name, User.id)).all()
    people: dict[int, tuple[User, list[Role]]] = {}
    for user, role in grants:
        people.setdefault(user.id, (user, []))[1].append(role)
    ids = list(people)
    teams = _names_by_user(select(TeamMembership.user_id, Team.name).join(Team).where(
        TeamMembership.user_id.in_(ids), TeamMembership.left_at.is_(None), Team.street_id == street_id))
    posts = _names_by_user(select(PostHolding.user_id, ServicePost.name).join(ServicePost).where(
        PostHolding.user_id.in_(ids), PostHolding.left_at.is_(None), ServicePost.street_id == street_id))
    years = standings(ids, year, now)
    achieved = volunteer_achievements(ids, period or year_period(year))
    rows = []
    for uid, (user, roles) in people.items():
        standing, done = years[uid], achieved[uid]
        rows.append({"id": uid, "name": user.display_name, "phone": user.phone or "",
                     "roles": "、".join(str(ROLE_LABELS[r]) for r in roles), "teams": "、".join(teams.get(uid, [])),
                     "posts": "、".join(posts.get(uid, [])), "activities": standing.activities,
                     "patrol_hours": standing.patrol_hours, "activity_hours": standing.activity_hours,
                     "hours": standing.hours, "on_the_spot": done.on_the_spot, "escalated": done.escalated,
                     "confirmed": done.confirmed,
                     "status": str(STATUS_LABELS[standing.status]) if Role.OLD_NEIGHBOUR in roles else "",
                     "active": str(_l("yes")) if user.active else str(_l("no")),
                     # The same as codes, for the roster page's filters and the API.
                     "role_codes": {role.value for role in roles},
                     "rule": standing.status if Role.OLD_NEIGHBOUR in roles else "", "is_active": user.active})
    return rows


def _names_by_user(query) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for uid, name in db.session.execute(query):
        found.setdefault(uid, []).append(name)
    return {uid: sorted(names) for uid, names in found.items()}


def export_headers() -> list[str]:
    return [str(label) for _key, label in EXPORT_COLUMNS]


def export_rows(rows: list[dict]) -> list[list]:
    return [[row[key] for key, _label in EXPORT_COLUMNS] for row in rows]
