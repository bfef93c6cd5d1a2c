"""The two wire formats of GeoReport v2: a document (dicts and lists) written as JSON or as XML.

XML lists are named by their parent: <services><service>, <attributes><attribute>, and so on; the spec's
booleans are "true"/"false" and a missing value is an empty element.
"""
import json
import re
from xml.etree import ElementTree

from flask import Response, request

# Characters XML 1.0 cannot hold: one in a description would make a whole list unreadable.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The element of each list item, by the list's name.
ITEMS = {"services": "service", "service_requests": "request", "service_request_updates": "request_update",
         "attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
         "errors": "error"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_IN_XML.sub("", str(value))


def _element(name: str, value) -> ElementTree.Element:
    element = ElementTree.Element(name)
    if isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        element.extend(_element(ITEMS[name], item) for item in value)
    else:
        element.text = _text(value)
    return element


def render(fmt: str, root: str, document, status: int = 200) -> Response:
    """`document` is the JSON body; `root` names the XML root element (a list's, or an object's)."""
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False)
    else:
        body = ElementTree.tostring(_element(root, document), encoding="unicode", xml_declaration=False)
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + body
    return Response(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


def requested_format() -> str:
    """JSON when the path asks for it, else XML (the spec's required format)."""
    return "json" if request.path.endswith(".json") else "xml"


def error_response(status: int, description: str) -> Response:
    return render(requested_format(), "errors", [{"code": status, "description": str(description)}], status)
