"""The OpenAPI document describes every /api/v1 route, method by method."""
import re


def _api_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                yield path, method.lower()


def test_every_api_route_is_in_the_openapi_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    missing = [f"{method.upper()} {path}" for path, method in _api_routes(app)
               if method not in document["paths"].get(path, {})]
    assert not missing, f"add these to webapp/api/openapi.py: {missing}"


def test_the_document_describes_nothing_that_does_not_exist(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    routes = set(_api_routes(app))
    extra = [f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops
             if (path, method) not in routes]
    assert not extra
