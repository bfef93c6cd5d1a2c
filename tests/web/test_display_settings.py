"""Display settings (text size, high contrast) are a setting of the account: saved by a CSRF-protected POST,
rendered on <html> from the first byte of every page, refused clearly when the size is not one offered."""
import re

import pytest

from tests.conftest import config_for
from webapp import create_app
from webapp.extensions import db
from webapp.models import User
from webapp.services.demo import load_demo

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def steward(app):
    load_demo()
    return db.session.scalar(db.select(User).where(User.username == "demo_steward"))


def sign_in(client, login="demo_steward"):
    assert client.post("/login", data={"login": login, "password": "demo-password"}).status_code == 302


def html_tag(client, path="/") -> str:
    return re.search(r"<html[^>]*>", client.get(path, headers=ZH).get_data(as_text=True)).group(0)


def test_a_new_account_has_the_normal_size_and_no_class(client, steward):
    sign_in(client)
    tag = html_tag(client)
    assert 'data-text-scale="100"' in tag and "class=" not in tag


def test_the_saved_setting_is_on_the_html_of_every_page_on_another_phone(app, client, steward):
    sign_in(client)
    saved = client.post("/account/display", json={"text_scale": 160, "high_contrast": True})
    assert saved.status_code == 200
    assert saved.get_json() == {"text_scale": 160, "high_contrast": True,
                                "classes": "large-text text-160 high-contrast"}
    other_phone = app.test_client()
    sign_in(other_phone)
    for path in ("/", "/reports/mine", "/notifications", "/account/display"):
        tag = html_tag(other_phone, path)
        assert 'class="large-text text-160 high-contrast"' in tag and 'data-text-scale="160"' in tag, path


def test_the_form_without_script_saves_too(client, steward):
    sign_in(client)
    answer = client.post("/account/display", data={"text_scale": "130"}, headers=ZH)
    assert answer.status_code == 302
    assert (steward.text_scale, steward.high_contrast) == (130, False)
    assert "显示设置已保存" in client.get("/account/display", headers=ZH).get_data(as_text=True)


@pytest.mark.parametrize("scale", [112, "huge", None, 1000])
def test_a_size_not_offered_is_refused_in_the_users_language(client, steward, scale):
    sign_in(client)
    refused = client.post("/account/display", json={"text_scale": scale}, headers={**ZH, "Accept": "application/json"})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["message"] == "请选择列出的文字大小之一。"
    assert steward.text_scale == 100


def test_signed_out_the_page_says_the_device_keeps_them_and_saving_needs_an_account(client, steward):
    page = client.get("/account/display?lang=en").get_data(as_text=True)
    assert "kept on this device" in page and "data-display-account" not in page
    assert client.post("/account/display", json={"text_scale": 130}).status_code == 401


def test_with_csrf_on_the_json_post_needs_the_pages_token(app, database_url, steward):
    protected = create_app(config_for(database_url) | {"WTF_CSRF_ENABLED": True})
    client = protected.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"login": "demo_steward", "password": "demo-password", "csrf_token": token})
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert client.post("/account/display", json={"text_scale": 130}).status_code == 400
    assert client.post("/account/display", json={"text_scale": 130}, headers={"X-CSRFToken": token}).status_code == 200
