"""Tests of the local push service itself, driven by pywebpush as a real sender would."""
import threading
import time

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from pywebpush import WebPusher, WebPushException, webpush

from tests.push.push_service import PushService, b64encode


@pytest.fixture(scope="module")
def vapid():
    key = Vapid()
    key.generate_keys()
    return key


@pytest.fixture
def push():
    with PushService() as service:
        yield service


def public_key(vapid) -> str:
    return b64encode(vapid.public_key.public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint))


def send(sub, data, vapid, claims=None, **kwargs):
    return webpush(sub, data, vapid_private_key=vapid, vapid_claims=claims or {"sub": "mailto:test@example.org"},
                   ttl=1800, headers={"Urgency": "high", "Topic": "case-12"}, timeout=5, **kwargs)


def send_rejected(sub, data, vapid, claims=None) -> int:
    with pytest.raises(WebPushException) as err:
        send(sub, data, vapid, claims)
    return err.value.response.status_code


def raw_request(push, sub, vapid, data=b"hello", claims=None):
    """Headers and body pywebpush would send, for tests that then break one thing."""
    claims = claims or {"sub": "mailto:test@example.org", "aud": push.origin, "exp": int(time.time()) + 3600}
    headers = {"TTL": "60", "Content-Encoding": "aes128gcm", **vapid.sign(claims)}
    return headers, WebPusher(sub).encode(data)["body"]


def post(sub, headers, body):
    return requests.post(sub["endpoint"], headers=headers, data=body, timeout=5)


def test_good_push_is_decrypted_and_created(push, vapid):
    device, sub = push.new_device()
    payload = '{"title": "南锣鼓巷 12 号：垃圾已清理", "case": 12}'.encode()

    resp = send(sub, payload, vapid)

    assert resp.status_code == 201
    assert resp.headers["Location"].startswith(push.origin + "/m/")
    [message] = push.messages_for(device)
    assert message.payload == payload
    assert message.headers["ttl"] == "1800"
    assert message.headers["urgency"] == "high"
    assert message.headers["topic"] == "case-12"
    assert message.headers["authorization"].startswith("vapid t=")
    assert abs(message.received_at - time.time()) < 5


def test_subscription_info_has_the_browser_shape(push):
    device, sub = push.new_device()
    assert sub["endpoint"] == f"{push.origin}/push/{device.token}"
    assert len(sub["keys"]["p256dh"]) == 87 and "=" not in sub["keys"]["p256dh"]  # 65 bytes, unpadded
    assert len(sub["keys"]["auth"]) == 22 and "=" not in sub["keys"]["auth"]  # 16 bytes, unpadded


def test_largest_payload_fits_and_one_more_byte_is_413(push, vapid):
    device, sub = push.new_device()
    assert send(sub, b"x" * 3993, vapid).status_code == 201  # 3993 + 103 bytes of ECE overhead = 4096
    assert send_rejected(sub, b"x" * 3994, vapid) == 413
    assert send_rejected(sub, b"x" * 5000, vapid) == 413
    assert len(push.messages_for(device)) == 1


def test_missing_ttl_is_400(push, vapid):
    _, sub = push.new_device()
    headers, body = raw_request(push, sub, vapid)
    del headers["TTL"]
    resp = post(sub, headers, body)
    assert resp.status_code == 400 and "TTL" in resp.text
    assert not push.received


@pytest.mark.parametrize("name, value, status", [
    ("Authorization", None, 401),
    ("Content-Encoding", "aesgcm", 415),
    ("Urgency", "urgent", 400),
    ("Topic", "has spaces", 400),
    ("Topic", "t" * 33, 400),
])
def test_bad_headers_are_refused(push, vapid, name, value, status):
    _, sub = push.new_device()
    headers, body = raw_request(push, sub, vapid)
    headers.pop(name, None)
    if value is not None:
        headers[name] = value
    assert post(sub, headers, body).status_code == status


def test_undecryptable_body_is_400(push, vapid):
    _, sub = push.new_device()
    headers, body = raw_request(push, sub, vapid)
    resp = post(sub, headers, body[:-1] + bytes([body[-1] ^ 1]))
    assert resp.status_code == 400 and "decrypt" in resp.text


def test_token_signed_by_another_key_is_403(push, vapid):
    _, sub = push.new_device()
    other = Vapid()
    other.generate_keys()
    headers, body = raw_request(push, sub, vapid)
    forged_t = raw_request(push, sub, other)[0]["Authorization"].split("t=")[1].split(",")[0]
    headers["Authorization"] = f"vapid t={forged_t},k={public_key(vapid)}"
    resp = post(sub, headers, body)
    assert resp.status_code == 403 and "signature" in resp.text


def test_expired_token_is_403(push, vapid):
    _, sub = push.new_device()
    claims = {"sub": "mailto:test@example.org", "aud": push.origin, "exp": int(time.time()) - 60}
    assert post(sub, *raw_request(push, sub, vapid, claims=claims)).status_code == 403


def test_token_valid_for_more_than_a_day_is_403(push, vapid):
    _, sub = push.new_device()
    claims = {"sub": "mailto:test@example.org", "aud": push.origin, "exp": int(time.time()) + 25 * 3600}
    assert post(sub, *raw_request(push, sub, vapid, claims=claims)).status_code == 403


def test_wrong_audience_is_403(push, vapid):
    _, sub = push.new_device()
    claims = {"sub": "mailto:test@example.org", "aud": "https://updates.push.services.mozilla.com"}
    assert send_rejected(sub, b"hi", vapid, claims) == 403


def test_bad_sub_claim_is_403(push):
    _, sub = push.new_device()
    lax = Vapid(conf={"no-strict": True})  # py_vapid itself refuses to sign a bare address
    lax.generate_keys()
    claims = {"sub": "test@example.org", "aud": push.origin, "exp": int(time.time()) + 3600}
    resp = post(sub, *raw_request(push, sub, lax, claims=claims))
    assert resp.status_code == 403 and "sub" in resp.text


def test_only_the_expected_vapid_key_is_accepted(vapid):
    other = Vapid()
    other.generate_keys()
    with PushService(expected_vapid_key={public_key(vapid)}) as push:
        _, sub = push.new_device()
        assert send(sub, b"hi", vapid).status_code == 201
        assert send_rejected(sub, b"hi", other) == 403


def test_gone_device_is_410(push, vapid):
    device, sub = push.new_device()
    push.gone(device)
    assert send_rejected(sub, b"hi", vapid) == 410
    assert not push.received


def test_unknown_endpoint_is_404(push, vapid):
    _, sub = push.new_device()
    sub = {**sub, "endpoint": f"{push.origin}/push/no-such-token"}
    assert send_rejected(sub, b"hi", vapid) == 404


def test_fail_next_fails_once_then_succeeds(push, vapid):
    device, sub = push.new_device()
    push.fail_next(1, status=500)
    assert send_rejected(sub, b"retry me", vapid) == 500
    assert send(sub, b"retry me", vapid).status_code == 201
    assert [m.payload for m in push.messages_for(device)] == [b"retry me"]
    assert push.arrived == 2


def test_delay_slows_the_answer(push, vapid):
    _, sub = push.new_device()
    push.delay = 0.3
    started = time.monotonic()
    send(sub, b"slow", vapid)
    assert time.monotonic() - started >= 0.3


def test_hold_blocks_until_release(push, vapid):
    device, sub = push.new_device()
    push.hold()
    results = []
    sender = threading.Thread(target=lambda: results.append(send(sub, b"held", vapid).status_code))
    sender.start()

    deadline = time.monotonic() + 5
    while push.arrived < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert push.arrived == 1
    time.sleep(0.1)
    assert sender.is_alive() and not results and not push.received

    push.release()
    sender.join(timeout=5)
    assert results == [201]
    assert [m.payload for m in push.messages_for(device)] == [b"held"]
