"""The proof of presence a volunteer sends to check in (from the page's form or the API's JSON), parsed."""
import math
from dataclasses import dataclass
from typing import Mapping

from flask_babel import lazy_gettext as _l

from webapp.errors import BadRequest


@dataclass(frozen=True)
class CheckInProof:
    """The QR code's secret, or a position (WGS-84, as the phone gives it) with its accuracy in metres."""
    code: str | None = None
    lon: float | None = None
    lat: float | None = None
    accuracy_m: float | None = None

    def as_kwargs(self) -> dict:
        return {"code": self.code, "lon": self.lon, "lat": self.lat, "accuracy_m": self.accuracy_m}


def parse_proof(source: Mapping) -> CheckInProof:
    code = source.get("code")
    if code is not None and not isinstance(code, str):
        raise BadRequest(_l("The check-in code must be text."))
    # compare_digest refuses non-ASCII text: such a code is simply not the activity's (the service says so).
    code = (code or "").strip()[:64].encode("ascii", "replace").decode() or None
    numbers = {name: _number(source.get(name)) for name in ("lon", "lat", "accuracy_m")}
    lon, lat, accuracy = numbers["lon"], numbers["lat"], numbers["accuracy_m"]
    if (lon is not None and not -180 <= lon <= 180) or (lat is not None and not -90 <= lat <= 90) \
            or (accuracy is not None and accuracy < 0):
        raise BadRequest(_l("The position must be numbers: lon, lat and accuracy_m in metres."))
    return CheckInProof(code=code, **numbers)


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadRequest(_l("The position must be numbers: lon, lat and accuracy_m in metres."))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadRequest(_l("The position must be numbers: lon, lat and accuracy_m in metres.")) from None
    if not math.isfinite(number):
        raise BadRequest(_l("The position must be numbers: lon, lat and accuracy_m in metres."))
    return number
