"""A control that mounts when it is first used (assets/mount_on_use.jsx).

The board shows up to 125 cards, each with an actions menu. A Radix dropdown
menu renders a dozen components per card even while closed (root, trigger,
popper anchor, portal, presence, the themed button), which was about half of
the board's render work on every page load. `mount_on_use(idle, real)` renders
`idle`, a plain element with the same look, until it is pressed (then `real`
mounts open, as its trigger would have opened it) or gets the keyboard focus
(then `real` mounts closed and its trigger takes the focus); from then on `real`
works as usual.
"""

from __future__ import annotations

import reflex as rx


class MountOnUse(rx.Component):
    library = "$/public/mount_on_use.jsx"
    tag = "MountOnUse"


def mount_on_use(idle: rx.Component, real: rx.Component) -> rx.Component:
    return MountOnUse.create(idle, real)
