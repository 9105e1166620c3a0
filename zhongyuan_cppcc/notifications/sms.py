"""SMS backends. Production plugs in a gateway by setting SMS_BACKEND to a class like these."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from zhongyuan_cppcc.core.masking import mask_mobile

logger = logging.getLogger("zhongyuan_cppcc.sms")


class BaseSMSBackend:
    def send(self, *, phone: str, text: str) -> None:
        """Send one message or raise an exception; the caller retries a bounded number of times."""
        raise NotImplementedError


class LoggingSMSBackend(BaseSMSBackend):
    """Writes the message to the log (number masked) instead of sending it."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_mobile(phone), text)


class MemorySMSBackend(BaseSMSBackend):
    """Keeps messages in a list, for tests."""

    outbox: list[dict] = []

    def send(self, *, phone: str, text: str) -> None:
        MemorySMSBackend.outbox.append({"phone": phone, "text": text})


def get_sms_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()
