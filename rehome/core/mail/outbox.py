"""Outgoing mail (F-35): queued once by key after commit, sent by a job.

`queue_mail` renders the mail (HTML and text), records it in `outbound_mail`
under its key in the caller's transaction and queues the `mail.send` job
after commit. The key says what the mail is about (`digest:12:7`: summary 12
for user 7), so queuing the same mail again, from a retried request or a
redelivered job, finds the row and queues nothing.

Why a table rather than a Redis `SET NX`: the record must outlive Redis (a
flushed or failed-over Redis would otherwise let every pending mail go twice),
it must commit or roll back with the change the mail announces, and it is the
log an operator reads ("was the reset mail sent, when, through what?").

`deliver` (the job) claims the row (`queued` → `sending`, once), tries the
transport with tenacity (the only retry layer: the Resend SDK and smtplib do
not retry, and the job never raises on a mail failure, so Celery does not
retry either), then marks it `sent` or `failed` with a dead letter. A
redelivered job finds the row claimed or sent and does nothing; a worker that
died mid-send leaves a claim that goes stale and may be taken over, and
Resend's own idempotency key (the same key) keeps that from sending twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from rehome.core.infra import metrics
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import insert_once, session_scope
from rehome.core.infra.jobs import enqueue_on_commit
from rehome.core.mail.render import MailContent, render
from rehome.core.mail.transport import Envelope, MailError, Receipt, send
from rehome.core.models import DeadLetter, OutboundMail
from rehome.core.vocab import MailKind, MailStatus

log = logging.getLogger("rehome.mail")
ATTEMPTS = 4
RETRY_WAIT = wait_exponential_jitter(initial=1, max=30)  # tests replace it with no wait
STALE_CLAIM = timedelta(minutes=10)  # a worker that claimed a mail this long ago has died


def queue_mail(
    session: Session,
    *,
    key: str,
    kind: MailKind,
    to: str,
    content: MailContent,
    user_id: int | None = None,
    workspace_id: int | None = None,
) -> bool:
    """Queue one mail for after commit; False when this key was queued before."""
    rendered = render(content)
    mail_id = insert_once(
        session,
        OutboundMail,
        {
            "key": key[:160],
            "kind": MailKind(kind).value,
            "to_email": to,
            "user_id": user_id,
            "workspace_id": workspace_id,
            "subject": rendered.subject,
            "status": MailStatus.QUEUED.value,
            "attempts": 0,
            "transport": "",
            "created_at": utcnow(),
        },
        ["key"],
    )
    if mail_id is None:
        return False
    headers = {}
    if content.unsubscribe_url:  # RFC 8058 one-click unsubscribe for mail apps
        headers = {
            "List-Unsubscribe": f"<{content.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    enqueue_on_commit(
        session,
        "mail.send",
        mail_id=mail_id,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        headers=headers,
    )
    return True


def deliver(mail_id: int, subject: str, text: str, html: str, headers: dict[str, str] | None = None) -> None:
    """The `mail.send` job: send one queued mail at most once."""
    claimed = _claim(mail_id)
    if claimed is None:
        return
    key, to = claimed
    envelope = Envelope(key=key, to=to, subject=subject, text=text, html=html, headers=headers or {})
    tries = 0

    def attempt() -> Receipt:
        nonlocal tries
        tries += 1
        return send(envelope)

    retrying = Retrying(
        stop=stop_after_attempt(ATTEMPTS),
        wait=lambda state: _wait(state),
        retry=retry_if_exception(lambda e: isinstance(e, MailError) and e.retryable),
        reraise=True,
    )
    try:
        receipt = retrying(attempt)
    except MailError as error:
        _finish(mail_id, tries, error=str(error))
        return
    _finish(mail_id, tries, receipt=receipt)


def _wait(state: RetryCallState) -> float:
    return RETRY_WAIT(state)


def _claim(mail_id: int) -> tuple[str, str] | None:
    """queued → sending (or take over a stale claim); the mail's key and address."""
    now = utcnow()
    status = col(OutboundMail.status)
    stale = (status == MailStatus.SENDING) & (col(OutboundMail.claimed_at) < now - STALE_CLAIM)
    with session_scope() as session:
        claimed = session.exec(
            update(OutboundMail)
            .where(col(OutboundMail.id) == mail_id, or_(status == MailStatus.QUEUED, stale))
            .values(status=MailStatus.SENDING, claimed_at=now)
        )
        if not claimed.rowcount:
            return None
        mail = session.get(OutboundMail, mail_id)
        return (mail.key, mail.to_email) if mail else None


def _finish(mail_id: int, tries: int, *, receipt: Receipt | None = None, error: str | None = None) -> None:
    with session_scope() as session:
        mail = session.get(OutboundMail, mail_id)
        if mail is None:
            return
        mail.attempts += tries
        metrics.mail_finished(
            "sent" if receipt is not None else "failed", receipt.transport if receipt else ""
        )
        if receipt is not None:
            mail.status, mail.sent_at = MailStatus.SENT, utcnow()
            mail.transport, mail.provider_id, mail.error = receipt.transport, receipt.provider_id, None
        else:
            mail.status, mail.error = MailStatus.FAILED, error
            session.add(
                DeadLetter(
                    kind="mail",
                    ref_id=mail_id,
                    workspace_id=mail.workspace_id,
                    error=error or "",
                    payload={"key": mail.key, "kind": mail.kind},
                )
            )
            log.warning("mail failed for good", extra={"mail_id": mail_id, "error": error})
        session.add(mail)
