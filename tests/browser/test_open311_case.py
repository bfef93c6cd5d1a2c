"""A case from 12345 through Open311, as the street chief meets it: in the triage queue at once, and in the case
file with the resident to call back and the answers to the category's questions."""
import pytest

from tests.browser.conftest import ARTIFACTS, backend_of, signed_in
from tests.factories import demo_street, make_user
from webapp.models import Role
from webapp.services.partners.api_keys import create_api_key

pytestmark = pytest.mark.browser


def test_a_12345_case_reaches_the_chief_with_whom_to_call_back(app, client, browser, live_server):
    demo_street()
    chief = make_user(Role.CHIEF, name="街巷长刘")
    _, key = create_api_key("12345热线")
    filed = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "damaged_roads", "address_string": "东城区演示二条胡同 12号门口",
        "attribute[size]": "medium", "description": "路面塌了一个坑，老人晚上容易绊倒", "last_name": "张",
        "first_name": "阿姨", "phone": "13800138000"})
    assert filed.status_code == 201, filed.data
    case_id = filed.get_json()[0]["service_request_id"]

    for viewport in ("tablet", "phone"):
        context, page, errors = signed_in(browser, live_server, chief, viewport)
        if viewport == "tablet":
            page.goto(f"{live_server}/triage")
            page.locator(f".queue-link[data-id='{case_id}']").wait_for()
            page.screenshot(path=str(ARTIFACTS / f"open311-triage-tablet-{backend_of(app)}.png"))
        page.goto(f"{live_server}/reports/{case_id}")
        facts = page.locator(".case-facts")
        for shown in ("12345热线", "张阿姨", "13800138000", "东城区演示二条胡同 12号门口", "破损面积", "一到五平方米"):
            assert shown in facts.inner_text()
        assert page.locator(".case-facts a[href='tel:13800138000']").count() == 1
        page.screenshot(path=str(ARTIFACTS / f"open311-case-{viewport}-{backend_of(app)}.png"), full_page=True)
        context.close()
        assert errors == []
