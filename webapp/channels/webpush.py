"""Web Push with VAPID (RFC 8030/8291/8292) through pywebpush: the key, and sending one message."""
import base64
import threading
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from webapp.channels import Outcome, Result

KEY_FILE = "vapid_private.pem"
GONE = (404, 410)  # the browser unsubscribed or the subscription expired: delete it
_local = threading.local()  # one HTTP session (kept-alive connections) per worker thread


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def generate_key(instance_path: str) -> Path:
    """A new VAPID key pair in instance/ (once: an existing key is kept, or every subscription breaks)."""
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        vapid = Vapid()
        vapid.generate_keys()
        path.write_bytes(vapid.private_pem())
        path.chmod(0o600)
    return path


def vapid_key(app=None) -> Vapid | None:
    """The app's VAPID key from VAPID_PRIVATE_KEY (PEM or base64url) or instance/, or None: push is off."""
    app = app or current_app
    if "vapid" not in app.extensions:
        configured, path = app.config.get("VAPID_PRIVATE_KEY", ""), Path(app.instance_path) / KEY_FILE
        if configured:
            key = Vapid.from_pem(configured.encode()) if "-----BEGIN" in configured else Vapid.from_string(configured)
        else:
            key = Vapid.from_file(str(path)) if path.exists() else None
        app.extensions["vapid"] = key
    return app.extensions["vapid"]


def public_key_of(key: Vapid) -> str:
    """The uncompressed P-256 point, base64url: the form browsers and push services use."""
    return b64url(key.public_key.public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint))


def public_key(app=None) -> str | None:
    """The applicationServerKey a browser subscribes with, or None when push is off."""
    key = vapid_key(app)
    return public_key_of(key) if key is not None else None


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def send(subscription_info: dict, payload: str, *, topic: str, urgent: bool, ttl: int, app=None) -> Outcome:
    """One encrypted message to one browser, kept by the push service up to `ttl` seconds for an offline
    phone. Never raises for the service's answers or the network; returns what to do next."""
    app = app or current_app
    key = vapid_key(app)
    if key is None:
        return Outcome(Result.REFUSED, "no VAPID key")
    try:
        webpush(subscription_info, payload, vapid_private_key=key,
                # A fresh claims dict per call: pywebpush writes aud and exp into the one it is given, and a
                # reused dict would carry one service's aud, and an expired exp, to the next message.
                vapid_claims={"sub": app.config["VAPID_SUBJECT"]},
                ttl=ttl, timeout=app.config["PUSH_TIMEOUT_SECONDS"],
                headers={"Urgency": "high" if urgent else "normal", "Topic": topic},
                requests_session=_session())
    except WebPushException as err:
        status = err.response.status_code if err.response is not None else None
        if status in GONE:
            return Outcome(Result.GONE, f"{status}")
        if status is not None and 400 <= status < 500 and status != 429:
            return Outcome(Result.REFUSED, f"{status} {err.response.text[:200]}")
        return Outcome(Result.RETRY, str(err)[:300])
    except requests.ReadTimeout as err:  # the request went out; only the answer is missing
        return Outcome(Result.UNKNOWN, f"no answer: {err}"[:300])
    except requests.RequestException as err:
        return Outcome(Result.RETRY, f"{type(err).__name__}: {err}"[:300])
    return Outcome(Result.SENT)
