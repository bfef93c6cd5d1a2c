"""Database models, one module per aggregate; importing this package registers them all."""
from webapp.models.chiefs import AlleyChief
from webapp.models.claims import Claim
from webapp.models.frontage import DUTIES, CheckResult, FrontageCheck, Shop
from webapp.models.metrics import CaseFacts
from webapp.models.notifications import (Channel, Delivery, DeliveryState, MutedKind, Notification,
                                         NotificationKind, PushSubscription)
from webapp.models.notifications import URGENT_KINDS as URGENT_PUSH_KINDS
from webapp.models.open311 import ApiKey, PartnerRequest, PartnerUpdate
from webapp.models.patrols import CHECKLIST_ITEMS, Patrol
from webapp.models.people import Department, Invitation, Role, RoleGrant, User
from webapp.models.places import Alley, Community, Street
from webapp.models.rosters import Activity, Attendance, PostHolding, ServicePost, Team, TeamMembership
from webapp.models.reports import (AWAITING_VERDICT, CHIEF_QUEUE, COMMUNITY_QUEUE, CLOSED_STATUSES, Category, Priority,
                                   Report, ReportEvent, ReportFollower, ReportPhoto, ReportStatus, RequestKind,
                                   Satisfaction, Verdict, Whistle, WhistleKind, WhistleStatus)
from webapp.models.reports import OPEN_STATUSES as OPEN_REPORT_STATUSES

__all__ = ["AlleyChief", "RequestKind", "Activity", "Attendance", "PostHolding", "ServicePost", "Team", "TeamMembership", "ApiKey", "CaseFacts", "PartnerRequest", "PartnerUpdate", "CHECKLIST_ITEMS", "Channel", "Delivery", "DeliveryState", "MutedKind", "Notification",
           "NotificationKind", "PushSubscription", "URGENT_PUSH_KINDS", "Alley", "Category", "Claim", "Community", "Department", "Invitation", "Patrol",
           "OPEN_REPORT_STATUSES", "Report", "ReportEvent", "ReportFollower", "ReportPhoto", "ReportStatus", "Role", "RoleGrant", "Street",
           "User", "WhistleKind", "AWAITING_VERDICT", "CHIEF_QUEUE", "COMMUNITY_QUEUE", "CLOSED_STATUSES", "Priority", "Satisfaction",
           "Verdict", "Whistle", "WhistleStatus"]
from webapp.models.scores import DepartmentScore, DepartmentScoreRevision  # noqa: E402

__all__ += ["DepartmentScore", "DepartmentScoreRevision"]

__all__ += ["DUTIES", "CheckResult", "FrontageCheck", "Shop"]
from webapp.models.basemap import BasemapFeature  # noqa: E402

__all__ += ["BasemapFeature"]
