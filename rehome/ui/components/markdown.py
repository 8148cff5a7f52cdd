"""Markdown for people's text: GitHub-flavoured, no raw HTML, no math."""

from __future__ import annotations

import reflex as rx


def safe_markdown(text: rx.Var[str] | str, **props: object) -> rx.Component:
    """Raw HTML stays text (no rehype-raw), so a message cannot inject markup."""
    return rx.markdown(text, use_raw=False, use_math=False, use_katex=False, class_name="md", **props)
