"""Undo a response's content codings (`Content-Encoding: gzip, gzip`) within a byte budget.

Every layer inflates at most `_STEP` bytes per call, and every layer's output is counted as it is
produced, so a decompression bomb costs at most about `max_bytes` of memory before it is refused.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from service.errors import FetchFailed, PageTooLarge

ENCODINGS = "gzip, deflate"  # what we ask for: the codings we undo ourselves
_STEP = 64 * 1024
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


def content_codings(header: str | None, url: str) -> list[str]:
    """The codings to undo, in the order to undo them (the last one applied first)."""
    codings = [part.strip().lower() for part in (header or "").split(",")]
    codings = [coding for coding in codings if coding and coding != "identity"]
    unknown = [coding for coding in codings if coding not in _WBITS]
    if unknown:
        raise FetchFailed(f"{url} sent the page in an encoding this service does not read ({', '.join(unknown)})")
    return list(reversed(codings))


class _Layer:
    def __init__(self, coding: str) -> None:
        self.coding = coding
        # zlib's deflate: a zlib stream, or (as some servers send) raw deflate; told apart on the first bytes.
        self._inflater: zlib._Decompress | None = None
        self.produced = 0

    def _start(self, data: bytes) -> zlib._Decompress:
        if self._inflater is None:
            wbits = _WBITS[self.coding]
            if self.coding == "deflate" and data and (data[0] & 0x0F) != 8:
                wbits = -zlib.MAX_WBITS
            self._inflater = zlib.decompressobj(wbits)
        return self._inflater

    def feed(self, data: bytes) -> Iterator[bytes]:
        inflater = self._start(data)
        pending = data
        while pending:
            out = inflater.decompress(pending, _STEP)
            pending = inflater.unconsumed_tail
            if inflater.eof:
                pending = b""  # what follows the end of the stream is not the page
            if out:
                yield out
            elif not pending:
                break

    def finish(self) -> Iterator[bytes]:
        if self._inflater is None:
            return
        while True:
            out = self._inflater.decompress(b"", _STEP)
            if not out:
                break
            yield out
        if not self._inflater.eof:
            raise zlib.error("the stream ends before its end marker")


class BoundedInflater:
    """Feed raw network chunks; get the page's bytes. `PageTooLarge` as soon as any layer passes
    `max_bytes`; `FetchFailed` when a layer is not what its coding says."""

    def __init__(self, codings: list[str], max_bytes: int) -> None:
        self._layers = [_Layer(coding) for coding in codings]
        self._max_bytes = max_bytes
        self._produced = 0

    def feed(self, raw: bytes) -> list[bytes]:
        return list(self._through(0, raw))

    def finish(self) -> list[bytes]:
        out: list[bytes] = []
        for index, layer in enumerate(self._layers):
            try:
                for piece in layer.finish():
                    out.extend(self._through(index + 1, piece))
            except zlib.error as error:
                raise FetchFailed(f"the page's {layer.coding} encoding is broken: {error}") from None
        return out

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            self._produced += len(data)
            if self._produced > self._max_bytes:
                raise PageTooLarge(f"the page is larger than {self._max_bytes} bytes")
            yield data
            return
        layer = self._layers[index]
        try:
            pieces = list(_bounded(layer, data, self._max_bytes))
        except zlib.error as error:
            raise FetchFailed(f"the page's {layer.coding} encoding is broken: {error}") from None
        for piece in pieces:
            yield from self._through(index + 1, piece)


def _bounded(layer: _Layer, data: bytes, max_bytes: int) -> Iterator[bytes]:
    for piece in layer.feed(data):
        layer.produced += len(piece)
        if layer.produced > max_bytes:
            raise PageTooLarge(f"the page is larger than {max_bytes} bytes once decompressed")
        yield piece
