"""Versioned static files (asset_url's ?v=<hash>) are cached for a year: a repeat visit asks nothing for them."""
from webapp.pwa.assets import asset_url


def test_a_versioned_asset_is_cached_for_good_and_an_unversioned_one_is_revalidated(app, client):
    with app.test_request_context():
        versioned = [asset_url("js/map.js"), asset_url("leaflet.js", "leaflet.static")]
    for url in versioned:
        with client.get(url) as response:
            assert response.status_code == 200
            assert response.cache_control.max_age == 31536000 and response.cache_control.immutable, url
    with client.get("/static/js/map.js") as response:
        assert response.cache_control.max_age != 31536000  # its content may change


def test_the_page_links_its_icon_by_version(app, client):
    with app.test_request_context():
        assert asset_url("icons/favicon.svg") in client.get("/login").get_data(as_text=True)
