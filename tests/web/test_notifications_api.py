"""The inbox, preferences and push subscriptions over HTTP: JSON and pages, bad input refused clearly."""
import pytest
from flask_login import FlaskLoginClient
from py_vapid import Vapid

from tests.factories import make_user
from tests.services.notifications.test_delivery import browser_subscription
from webapp.extensions import db
from webapp.models import NotificationKind, PushSubscription, Role
from webapp.services.notifications.outbox import notify

K = NotificationKind


@pytest.fixture
def login(app):
    app.test_client_class = FlaskLoginClient
    return lambda user: app.test_client(user=user)


@pytest.fixture
def resident(app):
    return make_user(Role.RESIDENT)


def test_the_inbox_lists_my_notifications_and_the_bell_counts_them(app, login, resident):
    notify([resident.id], K.REJECTED, None)
    notify([resident.id], K.RESOLVED, None)
    notify([make_user(Role.RESIDENT).id], K.RESOLVED, None)  # someone else's
    db.session.commit()
    client = login(resident)
    body = client.get("/api/v1/notifications?lang=en").get_json()
    assert body["unread"] == 2 and [i["kind"] for i in body["items"]] == ["resolved", "rejected"]
    assert body["items"][0]["title"] and body["items"][0]["read"] is False
    assert client.get("/api/v1/notifications/unread").get_json() == {"unread": 2}
    page = client.get("/notifications").get_data(as_text=True)
    assert 'data-bell-count' in page and "inbox-item is-unread" in page
    assert client.post("/api/v1/notifications/read", json={"ids": [body["items"][0]["id"]]}).get_json() == {"unread": 1}
    assert client.post("/api/v1/notifications/read", json={"ids": "all"}).status_code == 400
    assert client.post("/api/v1/notifications/read", json={}).get_json() == {"unread": 0}


def test_opening_a_notification_marks_it_read_and_goes_to_its_case(app, login, resident):
    note = notify([resident.id], K.REJECTED, None)[0]
    other = notify([make_user(Role.RESIDENT).id], K.REJECTED, None)[0]
    db.session.commit()
    client = login(resident)
    assert client.get(f"/notifications/{other.id}").headers["Location"] == "/notifications"  # not mine: my inbox
    assert client.get("/api/v1/notifications/unread").get_json() == {"unread": 1}
    response = client.get(f"/notifications/{note.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert client.get("/api/v1/notifications/unread").get_json() == {"unread": 0}


def test_the_push_key_says_whether_push_is_on(app, client):
    app.config["VAPID_PRIVATE_KEY"], app.extensions["vapid"] = "", None
    assert client.get("/api/v1/push/key").get_json() == {"enabled": False, "public_key": None}
    key = Vapid()
    key.generate_keys()
    app.config["VAPID_PRIVATE_KEY"] = key.private_pem().decode()
    app.extensions.pop("vapid")
    body = client.get("/api/v1/push/key").get_json()
    assert body["enabled"] is True and len(body["public_key"]) == 87  # 65 bytes, base64url


def test_a_device_subscribes_once_and_unsubscribes(app, login, resident):
    client = login(resident)
    sub = browser_subscription(1)
    assert client.post("/api/v1/push/subscriptions", json=sub | {"device": "Chrome · Android"}).status_code == 201
    assert client.post("/api/v1/push/subscriptions", json=sub).status_code == 201  # again: the same row
    listed = client.get("/api/v1/push/subscriptions").get_json()["subscriptions"]
    assert len(listed) == 1
    assert client.delete("/api/v1/push/subscriptions", json={"endpoint": sub["endpoint"]}).status_code == 204
    assert db.session.scalar(db.select(PushSubscription)) is None


def test_someone_else_cannot_remove_my_device(app, login, resident):
    login(resident).post("/api/v1/push/subscriptions", json=browser_subscription(1))
    row = db.session.scalar(db.select(PushSubscription))
    assert login(make_user(Role.RESIDENT)).delete(f"/api/v1/push/subscriptions/{row.id}").status_code == 204
    assert db.session.get(PushSubscription, row.id) is not None


def with_keys(**keys):
    sub = browser_subscription(1)
    sub["keys"] = {**sub["keys"], **keys}
    return sub


@pytest.mark.parametrize("body, field, english", [
    ({"endpoint": "not a url", "keys": {}}, "endpoint", "not a valid URL"),
    ({"endpoint": "ftp://push.example.org/x", "keys": {}}, "endpoint", "not a valid URL"),
    (browser_subscription(1) | {"endpoint": "http://push.example.org/x"}, "endpoint", "must use https"),
    (with_keys(p256dh=None), "keys.p256dh", "keys are missing"),
    (with_keys(p256dh="!!not base64!!"), "keys.p256dh", "not valid base64url"),
    (with_keys(p256dh="BAAA" + "A" * 83), "keys.p256dh", "not a P-256 public key"),
    (with_keys(auth="AAAA"), "keys.auth", "must be 16 bytes"),
    ([], None, "as JSON"),
], ids=["bad-url", "not-http", "plain-http", "no-key", "bad-base64", "off-curve", "short-auth", "not-an-object"])
def test_malformed_subscriptions_are_refused_with_a_clear_message(app, login, resident, body, field, english):
    client = login(resident)
    response = client.post("/api/v1/push/subscriptions?lang=en", json=body)
    error = response.get_json()["error"]
    assert response.status_code == 400 and english in error["message"]
    assert error.get("details", {}).get("field") == field
    chinese = client.post("/api/v1/push/subscriptions?lang=zh_Hans", json=body).get_json()["error"]["message"]
    assert chinese != error["message"]
    assert db.session.scalar(db.select(PushSubscription)) is None


def test_plain_http_endpoints_are_allowed_when_https_is_not_required(app, login, resident):
    app.config["PUSH_REQUIRE_HTTPS"] = False  # a local push service in tests
    sub = browser_subscription(1) | {"endpoint": "http://127.0.0.1:9/push/abc"}
    assert login(resident).post("/api/v1/push/subscriptions", json=sub).status_code == 201


def test_preferences_mute_a_kind_but_never_the_whistles(app, login):
    officer = make_user(Role.OFFICER)
    client = login(officer)
    prefs = client.get("/api/v1/notifications/preferences").get_json()
    assert prefs["preferences"]["whistled"] is True and "whistled" in prefs["always"]
    assert "escalated" not in prefs["preferences"]  # a chief's kind, not an officer's
    changed = client.put("/api/v1/notifications/preferences", json={"resolved": False}).get_json()
    assert changed["preferences"]["resolved"] is False
    refused = client.put("/api/v1/notifications/preferences?lang=en", json={"whistled": False})
    assert refused.status_code == 400 and "always sent" in refused.get_json()["error"]["message"]
    assert client.put("/api/v1/notifications/preferences", json={"nonsense": True}).status_code == 400
    assert client.put("/api/v1/notifications/preferences", json={"resolved": "no"}).status_code == 400


def test_the_settings_page_saves_preferences_without_javascript(app, login, resident):
    client = login(resident)
    page = client.get("/notifications/settings?lang=en").get_data(as_text=True)
    assert 'value="resolved"' in page and "This device" in page
    client.post("/notifications/settings", data={"push": ["rejected"]})
    prefs = client.get("/api/v1/notifications/preferences").get_json()["preferences"]
    assert prefs == {"verdict_requested": False, "resolved": False, "rejected": True}
