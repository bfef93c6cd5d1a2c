"""A local Web Push service on loopback (RFC 8030/8291/8292), for end-to-end tests of the app's push sender."""
import base64
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_BODY = 4096  # RFC 8291 §4: push services must accept at least 4096 bytes; autopush and FCM stop there
MAX_VAPID_LIFETIME = 24 * 60 * 60  # RFC 8292 §2: exp no more than 24 hours ahead
URGENCIES = {"very-low", "low", "normal", "high"}
TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Device:
    """A browser's push subscription: its own P-256 key pair and auth secret."""

    def __init__(self, token: str | None = None):
        self.token = token or secrets.token_urlsafe(16)
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = secrets.token_bytes(16)
        self.endpoint: str | None = None

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    def subscription_info(self, endpoint: str) -> dict:
        """What PushSubscription.toJSON() gives the page (minus expirationTime)."""
        return {"endpoint": endpoint, "keys": {"p256dh": b64encode(self.public_key), "auth": b64encode(self.auth_secret)}}

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm")


@dataclass
class Message:
    device_token: str
    payload: bytes  # decrypted
    headers: dict  # request headers, names lower-cased
    received_at: float  # time.time()


class Rejected(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


class PushService:
    """Use as `with PushService() as push: device, sub = push.new_device()`.

    Test hooks: `hold()`/`release()` park incoming requests (already counted in `arrived`, not yet
    validated or answered; they are processed on release even if the sender has gone away),
    `fail_next(n, status)` answers the next n requests with `status`, `delay` sleeps before answering.
    """

    def __init__(self, expected_vapid_key: str | list[str] | set[str] | None = None):
        if isinstance(expected_vapid_key, str):
            expected_vapid_key = [expected_vapid_key]
        # Compare decoded bytes so padded and unpadded base64url spellings both match.
        self.expected_vapid_keys = None if expected_vapid_key is None else {b64decode(k) for k in expected_vapid_key}
        self.received: list[Message] = []
        self.arrived = 0
        self.delay = 0.0
        self._devices: dict[str, Device] = {}
        self._gone: set[str] = set()
        self._failures: list[int] = []
        self._released = threading.Event()
        self._released.set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------

    def start(self) -> "PushService":
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like a real service, so pooled connections get exercised
            # Answers go out in two writes (headers, body); with Nagle on, each waits ~40 ms for the sender's
            # delayed ACK on a kept-alive connection, which no real push service makes a sender do.
            disable_nagle_algorithm = True

            def do_POST(self):
                service._handle(self)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True  # a parked or keep-alive connection must not block stop()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()  # let parked handlers finish instead of hanging forever
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> "PushService":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- devices and messages -----------------------------------------------

    def new_device(self) -> tuple[Device, dict]:
        device = Device()
        device.endpoint = f"{self.origin}/push/{device.token}"
        with self._lock:
            self._devices[device.token] = device
        return device, device.subscription_info(device.endpoint)

    def gone(self, device: Device) -> None:
        """The user unsubscribed (or the browser dropped the subscription): the endpoint now answers 410."""
        with self._lock:
            self._gone.add(device.token)

    def messages_for(self, device: Device) -> list[Message]:
        with self._lock:
            return [m for m in self.received if m.device_token == device.token]

    # -- test hooks ---------------------------------------------------------

    def hold(self) -> None:
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def fail_next(self, n: int = 1, status: int = 500) -> None:
        with self._lock:
            self._failures.extend([status] * n)

    # -- request handling ---------------------------------------------------

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        length = int(req.headers.get("Content-Length") or 0)
        if length > 64 * MAX_BODY:  # don't read a runaway body just to refuse it
            req.close_connection = True
            return self._answer(req, 413, "payload too large")
        body = req.rfile.read(length)
        with self._lock:
            self.arrived += 1
        self._released.wait()
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            return self._answer(req, failure, "injected failure")
        try:
            location = self._accept(req, body)
        except Rejected as err:
            return self._answer(req, err.status, err.reason)
        self._answer(req, 201, "created", {"Location": location, "TTL": req.headers["TTL"]})

    def _accept(self, req: BaseHTTPRequestHandler, body: bytes) -> str:
        """Validate like autopush does; record the message and return its Location, or raise Rejected."""
        match = re.fullmatch(r"/push/([A-Za-z0-9_-]+)", req.path)
        with self._lock:
            device = self._devices.get(match.group(1)) if match else None
            gone = device is not None and device.token in self._gone
        if device is None:
            raise Rejected(404, "no such subscription")
        if gone:
            raise Rejected(410, "subscription expired or unsubscribed")

        ttl = req.headers.get("TTL")
        if ttl is None or not ttl.strip().isdigit():
            raise Rejected(400, "missing or invalid TTL header")
        # A push without payload ("tickle") needs no encryption, as in RFC 8030 §5.
        if body and (req.headers.get("Content-Encoding") or "").lower() != "aes128gcm":
            raise Rejected(415, "Content-Encoding must be aes128gcm")
        self._check_vapid(req.headers.get("Authorization"))
        urgency = req.headers.get("Urgency")
        if urgency is not None and urgency not in URGENCIES:
            raise Rejected(400, "invalid Urgency header")
        topic = req.headers.get("Topic")
        if topic is not None and not TOPIC.fullmatch(topic):
            raise Rejected(400, "invalid Topic header")
        if len(body) > MAX_BODY:
            raise Rejected(413, f"payload too large ({len(body)} > {MAX_BODY} bytes)")
        try:
            payload = device.decrypt(body) if body else b""
        except Exception as err:  # http_ece raises several types for a bad body
            raise Rejected(400, f"cannot decrypt payload: {err}")

        headers = {name.lower(): value for name, value in req.headers.items()}
        with self._lock:
            self.received.append(Message(device.token, payload, headers, time.time()))
        return f"{self.origin}/m/{uuid.uuid4().hex}"

    def _check_vapid(self, authorization: str | None) -> None:
        scheme, _, params = (authorization or "").partition(" ")
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        if scheme.lower() != "vapid" or "t" not in parts or "k" not in parts:
            raise Rejected(401, "missing VAPID authorization (vapid t=..., k=...)")
        try:
            raw_key = b64decode(parts["k"])
            public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw_key)
            header_b64, claims_b64, signature_b64 = parts["t"].split(".")
            header = json.loads(b64decode(header_b64))
            claims = json.loads(b64decode(claims_b64))
            signature = b64decode(signature_b64)
        except Exception:
            raise Rejected(403, "malformed VAPID token or key")
        if header.get("alg") != "ES256":
            raise Rejected(403, "VAPID token must be ES256")
        if self.expected_vapid_keys is not None and raw_key not in self.expected_vapid_keys:
            raise Rejected(403, "VAPID key does not match the subscription's applicationServerKey")
        if len(signature) != 64:
            raise Rejected(403, "VAPID signature must be 64 bytes (JOSE r||s)")
        der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
        try:
            public_key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise Rejected(403, "bad VAPID signature")
        if claims.get("aud") != self.origin:
            raise Rejected(403, f"VAPID aud must be {self.origin}")
        exp, now = claims.get("exp"), time.time()
        if isinstance(exp, bool) or not isinstance(exp, (int, float)) or exp <= now or exp > now + MAX_VAPID_LIFETIME:
            raise Rejected(403, "VAPID exp must be in the future and at most 24 h ahead")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise Rejected(403, "VAPID sub must be a mailto: or https: URL")

    @staticmethod
    def _answer(req: BaseHTTPRequestHandler, status: int, reason: str, headers: dict | None = None) -> None:
        data = (reason + "\n").encode()
        try:
            req.send_response(status)
            for name, value in (headers or {}).items():
                req.send_header(name, value)
            req.send_header("Content-Type", "text/plain; charset=utf-8")
            req.send_header("Content-Length", str(len(data)))
            req.end_headers()
            req.wfile.write(data)
        except OSError:  # the sender hung up (e.g. killed while held); nobody left to answer
            req.close_connection = True
