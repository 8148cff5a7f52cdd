"""Every mail as HTML and text from one description (F-35).

A mail is described once (`MailContent`: heading, paragraphs, an optional
list, an optional markdown body, one button, why the reader gets it) and
rendered through two Jinja templates: a branded, single-column HTML page that
reads well on a phone, and its plain-text twin. HTML is autoescaped, so a
task title or a chat message can never become markup; a markdown body (a
digest) goes through markdown-it with raw HTML off and only safe link schemes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from rehome.settings import get_settings

_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(([^)\s]{1,500})\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    text: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class MailContent:
    subject: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    markdown: str = ""  # a digest's body; links may be app-relative
    button: Button | None = None
    footer: str = ""  # why this reader gets this mail
    unsubscribe_url: str = ""  # every non-transactional mail has one
    workspace: str = ""
    preheader: str = ""


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def absolute(url: str) -> str:
    """App-relative links (`/projects/1?task=2`) as full URLs for a mail reader."""
    return f"{get_settings().app_url}{url}" if url.startswith("/") else url


def markdown_html(text: str) -> Markup:
    """Safe HTML for a markdown body: raw HTML escaped, unsafe link schemes
    refused by markdown-it, relative links made absolute."""
    return _markdown_html(text, get_settings().app_url)


@lru_cache(maxsize=32)  # one digest goes to many readers: render its body once
def _markdown_html(text: str, _app_url: str) -> Markup:
    md = _markdown()
    tokens = md.parse(text)
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                child.attrSet("href", absolute(str(child.attrGet("href") or "")))
    return Markup(md.renderer.render(tokens, md.options, {}))  # noqa: S704  (markdown-it escapes)


def markdown_text(text: str) -> str:
    """A markdown body for the text part: links as `label (url)`, no emphasis marks."""
    text = _LINK.sub(lambda m: f"{m.group(1)} ({absolute(m.group(2))})", text)
    return _EMPHASIS.sub(r"\2", text).strip()


def render(content: MailContent) -> Rendered:
    """The mail's subject, text part and HTML part."""
    env = _environment()
    values = {
        "subject": content.subject,
        "heading": content.heading,
        "paragraphs": content.paragraphs,
        "items": [Item(i.title, i.text, absolute(i.url)) for i in content.items],
        "button": Button(content.button.label, absolute(content.button.url)) if content.button else None,
        "footer": content.footer,
        "unsubscribe_url": content.unsubscribe_url,
        "workspace": content.workspace,
        "preheader": content.preheader or (content.paragraphs[0] if content.paragraphs else content.heading),
    }
    html = env.get_template("mail.html").render(
        **values, body_html=markdown_html(content.markdown) if content.markdown else ""
    )
    text = env.get_template("mail.txt").render(
        **values, body_text=markdown_text(content.markdown) if content.markdown else ""
    )
    return Rendered(subject=content.subject[:200], text=_tidy(text), html=html)


def render_page(template: str, **values: object) -> str:
    """A small HTML page (the unsubscribe page) in the mails' look, autoescaped."""
    return _environment().get_template(template).render(**values)


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
