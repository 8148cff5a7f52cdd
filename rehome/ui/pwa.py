"""What every page's <head> needs to be an installable app (issue 12): the web
app manifest, icons for browsers, Android and iOS (which reads its own meta
tags, not the manifest), and the script that installs the service worker."""

from __future__ import annotations

import reflex as rx


def head_components() -> list[rx.Component]:
    return [
        rx.el.link(rel="manifest", href="/manifest.webmanifest"),
        rx.el.link(rel="icon", href="/favicon.ico", sizes="48x48"),
        rx.el.link(rel="icon", href="/icons/icon-192.png", type="image/png", sizes="192x192"),
        rx.el.link(rel="apple-touch-icon", href="/icons/apple-touch-icon.png"),
        rx.el.meta(name="mobile-web-app-capable", content="yes"),
        rx.el.meta(name="apple-mobile-web-app-capable", content="yes"),
        rx.el.meta(name="apple-mobile-web-app-title", content="ReHome"),
        rx.el.meta(name="apple-mobile-web-app-status-bar-style", content="default"),
        rx.el.script(src="/pwa.js", defer=True),
    ]
