"""What each mail says: one `MailContent` per kind of mail, worded here so
every path that sends mail reads the same (F-35)."""

from __future__ import annotations

from dataclasses import dataclass

from rehome.core.mail.render import Button, Item, MailContent

BRAND = "ReHome"


@dataclass(frozen=True, slots=True)
class Mention:
    author: str
    project: str
    excerpt: str
    link: str


def invite_mail(*, inviter: str, where: str, link: str, ttl_days: int, workspace: str) -> MailContent:
    return MailContent(
        subject=f"{inviter} invited you to {BRAND}",
        heading=f"Join {where} on {BRAND}",
        paragraphs=[
            f"{inviter} invited you to {where}, where the project's tasks, chat and files live.",
            f"Choose your password to get started. The link works once and expires in {ttl_days} days.",
        ],
        button=Button("Accept the invite", link),
        footer="You get this email because someone invited this address. If you did not expect it, "
        "ignore it: nothing happens until the link is used.",
        workspace=workspace,
    )


def invited_elsewhere_mail(*, inviter: str, workspace: str, sign_in: str) -> MailContent:
    """To the owner of an address another firm tried to invite: they learn why no
    link came, and the inviting firm learns nothing (issue 8, item 7)."""
    return MailContent(
        subject=f"An invitation to {BRAND}",
        heading="Someone tried to invite you",
        paragraphs=[
            f"{inviter} ({workspace}) tried to invite this address to {BRAND}. It already belongs "
            "to a ReHome account, and an address can be in one workspace only, so nothing changed "
            "and they were not told.",
            "To work with them, ask them to invite another address of yours.",
        ],
        button=Button("Sign in to your account", sign_in),
        footer="You get this email because someone invited this address.",
    )


def reset_mail(*, link: str, ttl_minutes: int) -> MailContent:
    return MailContent(
        subject=f"Reset your {BRAND} password",
        heading="Reset your password",
        paragraphs=[
            "Someone asked to reset your ReHome password. If it was you, choose a new one "
            f"(the link works once and expires in {ttl_minutes} minutes).",
            "If it wasn't you, ignore this email; your password stays as it is.",
        ],
        button=Button("Choose a new password", link),
        footer="You get this email because a password reset was asked for this address.",
    )


def mentions_mail(*, name: str, mentions: list[Mention], unsubscribe_url: str, workspace: str) -> MailContent:
    count = len(mentions)
    projects = sorted({m.project for m in mentions})
    where = projects[0] if len(projects) == 1 else f"{len(projects)} projects"
    noun = "mention" if count == 1 else "mentions"
    return MailContent(
        subject=f"{count} new {noun} in {where}",
        heading=f"{name.split(' ')[0]}, you were mentioned {count} time{'s' if count != 1 else ''}",
        paragraphs=["Here is what you have not seen in ReHome yet:"],
        items=[Item(f"{m.author} in {m.project}", f"“{m.excerpt}”", m.link) for m in mentions],
        button=Button("Open ReHome" if count > 1 else "Reply in ReHome", mentions[0].link),
        footer="You get mention alerts at most once every few minutes, and never for what you have "
        "already read in the app.",
        unsubscribe_url=unsubscribe_url,
        workspace=workspace,
    )


def summary_mail(
    *,
    subject: str,
    heading: str,
    markdown: str,
    link: str,
    button: str,
    footer: str,
    unsubscribe_url: str,
    workspace: str,
) -> MailContent:
    """A digest, rollup or client update: its markdown (citations linked) as the body."""
    return MailContent(
        subject=subject,
        heading=heading,
        markdown=markdown,
        button=Button(button, link),
        footer=footer,
        unsubscribe_url=unsubscribe_url,
        workspace=workspace,
        preheader=subject,
    )
