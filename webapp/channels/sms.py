"""SMS behind a small provider interface; the default provider writes each message to the log.

A real gateway (Aliyun, Tencent Cloud SMS, ...) is a class with `send(phone, text)` that raises
SmsError on failure, named in SMS_PROVIDER as "package.module:ClassName".
"""
import importlib
import logging
from typing import Protocol

log = logging.getLogger("webapp.sms")


class SmsError(Exception):
    """The provider could not send; the worker retries later."""


class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsProvider:
    """Writes the message to the log instead of sending it: for development, and until a gateway is set up."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []  # kept for tests and the demo

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        log.info("SMS to %s: %s", phone, text)


def provider_for(app) -> SmsProvider | None:
    """The configured provider (made once per app), or None when SMS_PROVIDER is "off"."""
    if "sms" not in app.extensions:
        name = app.config.get("SMS_PROVIDER", "log")
        if name == "off":
            provider = None
        elif name == "log":
            provider = LogSmsProvider()
        else:
            module, _, cls = name.partition(":")
            provider = getattr(importlib.import_module(module), cls)()
        app.extensions["sms"] = provider
    return app.extensions["sms"]
