"""The map API: streets, alleys in a bbox as GeoJSON, one alley."""
from webapp.services.demo import DEMO_STREET, load_demo


def test_streets_lists_the_demo_street_with_its_extent(app, client):
    load_demo()
    streets = client.get("/api/v1/streets").get_json()["streets"]
    demo = next(s for s in streets if s["name"] == DEMO_STREET)
    assert demo["is_demo"] is True
    assert demo["alley_count"] == 7
    min_lon, min_lat, max_lon, max_lat = demo["bbox"]
    assert min_lon < max_lon and min_lat < max_lat


def test_alleys_in_bbox_is_geojson_in_wgs84_with_six_decimals(app, client):
    load_demo()
    streets = client.get("/api/v1/streets").get_json()["streets"]
    bbox = ",".join(map(str, streets[0]["bbox"]))
    response = client.get(f"/api/v1/alleys?bbox={bbox}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    collection = response.get_json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 7
    feature = collection["features"][0]
    assert feature["geometry"]["type"] == "MultiLineString"
    assert feature["properties"]["name"].startswith("演示")
    lon, lat = feature["geometry"]["coordinates"][0][0]
    assert 116 < lon < 117 and 39 < lat < 41
    assert all(len(repr(v).split(".")[1]) <= 6 for v in (lon, lat))


def test_alleys_outside_the_bbox_are_left_out(app, client):
    load_demo()
    assert client.get("/api/v1/alleys?bbox=100,30,100.1,30.1").get_json()["features"] == []


def test_alleys_can_be_limited_to_one_street(app, client):
    load_demo()
    response = client.get("/api/v1/alleys?bbox=116,39,117,41&street=999999")
    assert response.get_json()["features"] == []


def test_large_responses_are_gzipped(app, client):
    load_demo()
    response = client.get("/api/v1/alleys?bbox=116,39,117,41", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_a_bad_bbox_gets_a_clear_json_error(app, client):
    for bad in ("", "1,2,3", "a,b,c,d", "117,40,116,39", "116,39,117,nan"):
        response = client.get(f"/api/v1/alleys?bbox={bad}")
        assert response.status_code == 400
        assert "bbox" in response.get_json()["error"]["message"]


def test_errors_are_in_the_users_language(app, client):
    zh = client.get("/api/v1/alleys?bbox=x", headers={"Accept-Language": "zh-CN"}).get_json()
    en = client.get("/api/v1/alleys?bbox=x", headers={"Accept-Language": "en"}).get_json()
    assert en["error"]["message"].startswith("bbox must be")
    assert zh["error"]["message"] != en["error"]["message"]


def test_one_alley_has_its_details(app, client):
    load_demo()
    feature_id = client.get("/api/v1/alleys?bbox=116,39,117,41").get_json()["features"][0]["id"]
    feature = client.get(f"/api/v1/alleys/{feature_id}").get_json()
    assert feature["properties"]["street"] == DEMO_STREET
    assert feature["properties"]["length_m"] > 100
    assert client.get("/api/v1/alleys/999999").status_code == 404
