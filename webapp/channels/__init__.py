"""Ways a notification leaves the app besides the inbox: Web Push and SMS, and what a send can come to."""
import enum
from dataclasses import dataclass


class Result(enum.Enum):
    SENT = "sent"
    GONE = "gone"
    RETRY = "retry"  # the service or the network failed for now; the message surely did not arrive
    REFUSED = "refused"  # the service will never take this message (bad request, too large)
    UNKNOWN = "unknown"  # no answer after the message was sent: it may have arrived, so it is not sent again
    EXPIRED = "expired"  # older than its TTL: not worth showing any more


@dataclass(frozen=True)
class Outcome:
    result: Result
    detail: str = ""
