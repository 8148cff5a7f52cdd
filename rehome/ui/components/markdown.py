"""Markdown for people's text: GitHub-flavoured, no raw HTML, no math, and no
image from another host (those become links; see ``assets/safe_image.jsx``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

# The JSX module, as the frontend build resolves it (assets/ -> .web/public/).
SAFE_IMAGE_LIBRARY = "$/public/safe_image.jsx"


class SafeImage(rx.Component):
    """An <img> for this site's own images, a plain link for any other address."""

    library = SAFE_IMAGE_LIBRARY
    tag = "SafeImage"


def safe_image(*children: Any, **props: Any) -> rx.Component:
    """react-markdown's `img`: it spreads the image's src, alt and title onto this."""
    return SafeImage.create(*children, **props)


def safe_markdown(text: rx.Var[str] | str, **props: object) -> rx.Component:
    """Raw HTML stays text (no rehype-raw), so a message cannot inject markup."""
    return rx.markdown(
        text,
        use_raw=False,
        use_math=False,
        use_katex=False,
        component_map={"img": safe_image},
        class_name="md",
        **props,
    )
