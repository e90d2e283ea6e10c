"""The `Article`: the exact text every offset refers to, with its metadata; and `EngineResult`,
what an engine made of one (both handed from floor to floor, so they live on the lowest one)."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from schemas import Draft, Usage, Warning


@dataclass(frozen=True)
class Article:
    """An article after ingest. `text` is NFC-normalised once; offsets index this string."""

    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    sha256: str = field(default="")
    notes: tuple[Warning, ...] = ()  # what ingest noticed about the input (HTML sent as text, say)
    fetched: bool = False  # the text is the page at `url`, read by us; else `url` only names the source

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        published: str | None = None,
        language: str | None = None,
    ) -> Article:
        """Normalise to NFC (so offsets never shift later) and fingerprint the text."""
        normalised = unicodedata.normalize("NFC", text)
        digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
        return cls(normalised, title, url, published, language, digest)

    @property
    def words(self) -> int:
        return len(self.text.split())

    def part(self, text: str) -> Article:
        """A chunk of this article, analysed on its own, with the article's metadata (its notes stay
        with the whole article, which is what is assembled)."""
        return Article(text, self.title, self.url, self.published, self.language, "")


@dataclass
class EngineResult:
    """What an engine returns: a draft (not yet grounded) plus what it cost to make."""

    draft: Draft
    engine: str
    model: str | None = None
    prompt: str | None = None
    usage: Usage = field(default_factory=Usage)
    warnings: list[Warning] = field(default_factory=list)
    chunks: int = 1
