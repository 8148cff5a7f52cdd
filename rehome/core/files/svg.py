"""SVG drawings are accepted only when nothing in them can run (F-36).

An SVG is XML that a browser will happily execute: `<script>`, `on*`
attributes, `javascript:` links, embedded HTML in `<foreignObject>`, and
animations that set a link to any of those. A drawing with any of them is
refused. Documents with a DOCTYPE are refused too, so entity tricks (billion
laughs, external entities) never reach the parser (defusedxml forbids them).
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from rehome.core.files.office import Refused

SCRIPTED = "is an SVG drawing with scripts or embedded web content"
_ACTIVE = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_DANGEROUS_VALUE = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)|javascript\s*:", re.I)


def check_svg(path: Path) -> None:
    """Return quietly for a static drawing; raise `Refused` otherwise."""
    root_seen = False
    try:
        for _event, element in iterparse(str(path), events=("start",), forbid_dtd=True):
            tag = _local(element.tag)
            if not root_seen:
                root_seen = True
                if tag != "svg":
                    raise Refused("is an XML document, not a drawing")
            if tag in _ACTIVE:
                raise Refused(SCRIPTED)
            for attribute, value in element.attrib.items():
                if _local(attribute).startswith("on") or _DANGEROUS_VALUE.search(value):
                    raise Refused(SCRIPTED)
    except DefusedXmlException:
        raise Refused("is an SVG drawing with a DOCTYPE or entities, which ReHome does not accept") from None
    except ParseError:
        raise Refused("is an SVG drawing that cannot be read") from None


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()
