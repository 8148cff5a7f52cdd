"""Where a rendered mail goes: Resend (its SDK) when `RESEND_API_KEY` is set,
SMTP when `SMTP_URL` is set, otherwise the log (the embedded default).

Each send is one attempt: retries live in the send job only (`outbox`), so
failures are classified here as worth retrying (rate limits, server errors,
network) or not (a refused address, a bad key). The Resend SDK does not retry
by itself; it is given the mail's key as `Idempotency-Key` as well, so even a
send that reached Resend but whose answer was lost is not delivered twice.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlparse

from rehome.settings import get_settings

log = logging.getLogger("rehome.mail")
SMTP_TIMEOUT = 20  # seconds


@dataclass(frozen=True, slots=True)
class Envelope:
    key: str
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Receipt:
    transport: str  # resend, smtp or console
    provider_id: str | None = None


class MailError(Exception):
    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


def transport_name() -> str:
    settings = get_settings()
    return "resend" if settings.resend_api_key else "smtp" if settings.smtp_url else "console"


def send(envelope: Envelope) -> Receipt:
    """One attempt at sending; raises `MailError` saying whether to try again."""
    name = transport_name()
    if name == "resend":
        return _send_resend(envelope)
    if name == "smtp":
        return _send_smtp(envelope)
    log.info(
        "mail to %s: %s\n%s", envelope.to, envelope.subject, envelope.text, extra={"mail_to": envelope.to}
    )
    return Receipt("console")


def _send_resend(envelope: Envelope) -> Receipt:
    import resend
    from resend.exceptions import ResendError

    settings = get_settings()
    resend.api_key = settings.resend_api_key
    resend.api_url = settings.resend_api_url.rstrip("/")
    params: resend.Emails.SendParams = {
        "from": settings.mail_from,
        "to": [envelope.to],
        "subject": envelope.subject,
        "text": envelope.text,
        "html": envelope.html,
    }
    if envelope.headers:
        params["headers"] = envelope.headers
    try:
        answer = resend.Emails.send(params, {"idempotency_key": envelope.key})
    except ResendError as error:
        code = int(error.code) if str(error.code).isdigit() else 500
        raise MailError(f"Resend {code}: {error.message}", retryable=code == 429 or code >= 500) from error
    return Receipt("resend", str(answer.get("id") or "") or None)


def _message(envelope: Envelope, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, envelope.to, envelope.subject
    domain = sender.rsplit("@", 1)[-1].strip(">") or "rehome.local"
    message["Message-ID"] = make_msgid(idstring=envelope.key.replace(":", "."), domain=domain)
    for name, value in envelope.headers.items():
        message[name] = value
    message.set_content(envelope.text)
    message.add_alternative(envelope.html, subtype="html")
    return message


def _send_smtp(envelope: Envelope) -> Receipt:
    settings = get_settings()
    url = urlparse(settings.smtp_url)
    message = _message(envelope, settings.mail_from)
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    try:
        with smtp_class(url.hostname or "localhost", url.port or 25, timeout=SMTP_TIMEOUT) as smtp:
            if url.scheme == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            smtp.send_message(message)
    except smtplib.SMTPResponseException as error:
        # 4xx: try later (greylisting, busy); 5xx: the server refuses for good.
        raise MailError(f"SMTP {error.smtp_code}", retryable=400 <= error.smtp_code < 500) from error
    except smtplib.SMTPRecipientsRefused as error:
        later = all(400 <= code < 500 for code, _ in error.recipients.values())
        raise MailError(f"SMTP refused {envelope.to}", retryable=later) from error
    except (OSError, smtplib.SMTPException) as error:  # connection refused or dropped, timeouts
        raise MailError(f"SMTP {type(error).__name__}: {error}", retryable=True) from error
    return Receipt("smtp", str(message["Message-ID"]))
