"""What every page asks the service worker to keep for use with no signal (webapp/pwa/offline.py): whose pages they
are, and URLs that answer this person and may be kept (no no-store, no redirect)."""
import html
import json
import re

import pytest

from tests.factories import PASSWORD, make_user
from webapp.models import Role


def kept(client, path="/") -> dict:
    page = client.get(path).get_data(as_text=True)
    return json.loads(html.unescape(re.search(r"data-offline-keep='([^']*)'", page).group(1)))


def signed_in(client, role):
    user = make_user(role)
    client.post("/login", data={"login": user.username, "password": PASSWORD})
    return user


def test_a_visitor_keeps_the_map_and_the_categories(client):
    keep = kept(client)
    assert keep["owner"] is None and keep["urls"] == ["/", "/api/v1/categories"] and keep["at"] > 0


@pytest.mark.parametrize("role, extra", [(Role.RESIDENT, []),
                                         (Role.STEWARD, ["/patrols/mine", "/api/v1/patrols/checklist"])])
def test_a_person_keeps_their_reports_and_a_volunteer_their_patrols(client, role, extra):
    user = signed_in(client, role)
    keep = kept(client, "/reports/mine")
    assert keep["owner"] == user.id
    assert keep["urls"] == ["/", "/api/v1/categories", "/reports/mine"] + extra
    for url in keep["urls"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
