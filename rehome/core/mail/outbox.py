"""Outgoing mail (F-35): queued as a job after commit, never sent in a request.

Backends: Resend when `RESEND_API_KEY` is set, SMTP when `SMTP_URL` is set,
otherwise the message is written to the log (the embedded default).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlparse

from sqlmodel import Session
from tenacity import retry, stop_after_attempt, wait_exponential_jitter

from rehome.core.infra.jobs import enqueue_on_commit
from rehome.settings import get_settings

log = logging.getLogger("rehome.mail")


def queue_mail(session: Session, to: str, subject: str, text: str) -> None:
    enqueue_on_commit(session, "mail.send", to=to, subject=subject, text=text)


@retry(stop=stop_after_attempt(4), wait=wait_exponential_jitter(initial=1, max=20), reraise=True)
def deliver(to: str, subject: str, text: str) -> None:
    settings = get_settings()
    if settings.resend_api_key:
        _send_resend(to, subject, text)
    elif settings.smtp_url:
        _send_smtp(to, subject, text)
    else:
        log.info("mail to %s: %s\n%s", to, subject, text, extra={"mail_to": to})


def _send_resend(to: str, subject: str, text: str) -> None:
    import resend

    settings = get_settings()
    resend.api_key = settings.resend_api_key
    resend.Emails.send({"from": settings.mail_from, "to": [to], "subject": subject, "text": text})


def _send_smtp(to: str, subject: str, text: str) -> None:
    settings = get_settings()
    url = urlparse(settings.smtp_url)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, to, subject
    message.set_content(text)
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname or "localhost", url.port or 25, timeout=20) as smtp:
        if url.username:
            smtp.login(url.username, url.password or "")
        smtp.send_message(message)
