"""Bytes of a fetched page -> text, in the order a browser trusts the clues.

A byte-order mark first (it cannot be wrong), then the charset the server declared, then a
`<meta charset>` in the page, then valid UTF-8, then charset_normalizer's guess (leaning to
windows-1252), and UTF-8 with replacement characters as the last resort, so decoding never fails.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
import webencodings

from service.errors import InvalidArticle

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_PRESCAN_BYTES = 4096
# WHATWG labels with no Python codec to decode with: "replacement" (ISO-2022-KR and kin) and x-user-defined.
_NOT_DECODABLE = frozenset({"replacement", "x-user-defined"})
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
    """Python's codec for a charset label, or None when the label is missing or not a text encoding.

    Labels are read as the WHATWG Encoding Standard reads them (what browsers do): "latin-1" and
    "ascii" are windows-1252, and only the web's text encodings exist. Python's own codec names that
    are not text encodings (`undefined`, `rot13`, `base64`, `zlib`, `punycode`, `idna`, ...) are unknown
    labels here, not instructions to run a codec on the body; so is WHATWG's `replacement`."""
    if not label:
        return None
    encoding = webencodings.lookup(label.strip().strip("\"'"))
    if encoding is None or encoding.name in _NOT_DECODABLE:
        return None
    return str(encoding.codec_info.name)


def charset_parameter(content_type: str | None) -> str | None:
    """The `charset` parameter of a Content-Type header, as sent ("utf-8" from "text/plain; charset=utf-8")."""
    for parameter in (content_type or "").split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def decode_plain(body: bytes, content_type: str | None) -> str:
    """A `text/plain` request body in its declared charset (UTF-8 when none is declared).

    Unlike a fetched page, a body a client sends us is not guessed at: an unknown charset, or bytes
    that are not valid in it, are the client's error to fix (`InvalidArticle`)."""
    declared = charset_parameter(content_type)
    encoding = codec_for(declared) if declared else "utf-8"
    if encoding is None:
        raise InvalidArticle(
            f"the charset {declared!r} is not a text encoding this service knows; send UTF-8 (charset=utf-8)"
        )
    # A byte-order mark is an editor's, not the article's: kept, it would shift every offset by one.
    try:
        return body.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as error:
        raise InvalidArticle(f"the body is not valid {encoding} text: {error.reason} at byte {error.start}") from None


def meta_charset(body: bytes) -> str | None:
    """The charset a `<meta>` near the top of an HTML page declares (UTF-16 there means UTF-8, as in browsers)."""
    match = _META_CHARSET.search(body[:_PRESCAN_BYTES])
    if match is None:
        return None
    encoding = codec_for(match.group(1).decode("ascii"))
    if encoding is not None and encoding.startswith("utf-16"):
        return "utf-8"
    return encoding
