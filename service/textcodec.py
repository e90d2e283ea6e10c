"""Bytes of a fetched page -> text, in the order a browser trusts the clues.

A byte-order mark first (it cannot be wrong), then the charset the server declared, then a
`<meta charset>` in the page, then valid UTF-8, then charset_normalizer's guess (leaning to
windows-1252), and UTF-8 with replacement characters as the last resort, so decoding never fails.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Browsers read these labels as windows-1252 (WHATWG Encoding), and pages labelled latin-1 rely on it
# for curly quotes and dashes in 0x80-0x9F.
_WHATWG_ALIASES = {
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "cp819": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
}
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_PRESCAN_BYTES = 4096
_NEAR_TIE = 0.05  # coherence (language-fit) margin by which another encoding must beat windows-1252


def decode_text(body: bytes, declared: str | None = None, *, html: bool = False) -> str:
    """Decode `body`; `declared` is the HTTP charset parameter, `html` enables the <meta> prescan."""
    for bom, bom_encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(bom_encoding, errors="replace")
    encoding = codec_for(declared) or (meta_charset(body) if html else None)
    if encoding is not None:
        return body.decode(encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return guess(body)


def guess(body: bytes) -> str:
    """charset_normalizer's best guess, except that windows-1252 wins a tie or near-tie.

    On short texts charset_normalizer often ranks a cousin first ("très" read as cp1250 "trčs",
    cp1257, even UTF-16 for "café"); windows-1252 is the web's default for undeclared legacy pages
    (WHATWG, browsers in Western locales), so it is kept unless another encoding reads clearly better.
    """
    best = charset_normalizer.from_bytes(body).best()
    western = charset_normalizer.from_bytes(body, cp_isolation=["cp1252"]).best()
    if western is not None and (
        best is None or (western.chaos <= best.chaos and western.coherence >= best.coherence - _NEAR_TIE)
    ):
        return str(western)
    if best is not None:
        return str(best)
    return body.decode("utf-8", errors="replace")


def codec_for(label: str | None) -> str | None:
    """Python's codec for a charset label, or None when the label is missing or unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def meta_charset(body: bytes) -> str | None:
    """The charset a `<meta>` near the top of an HTML page declares (UTF-16 there means UTF-8, as in browsers)."""
    match = _META_CHARSET.search(body[:_PRESCAN_BYTES])
    if match is None:
        return None
    encoding = codec_for(match.group(1).decode("ascii"))
    if encoding is not None and encoding.startswith("utf-16"):
        return "utf-8"
    return encoding
