"""Ingest: turn what a user sent into an `Article` whose text every offset will index."""

from __future__ import annotations

from service.article import Article
from service.errors import ArticleTooLarge, InvalidArticle
from service.language import detect_language

_MAX_TITLE_CHARS = 200


def guess_title(text: str) -> str | None:
    """A first line that reads like a headline (short, no closing full stop) is the title."""
    first = text.strip().split("\n", 1)[0].strip()
    if first and len(first) <= _MAX_TITLE_CHARS and "\n" in text.strip() and not first.endswith((".", ":", ";")):
        return first
    return None


def article_from_text(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
    language: str | None = None,
    max_chars: int,
) -> Article:
    """Check the text is an article we can analyse, normalise it once (NFC), tell its language."""
    if not text or not text.strip():
        raise InvalidArticle("the article text is empty")
    if "\x00" in text:
        raise InvalidArticle("the article text contains NUL characters; send text, not binary data")
    if len(text) > max_chars:
        raise ArticleTooLarge(f"the article has {len(text)} characters; the limit is {max_chars}")
    return Article.from_text(
        text,
        title=title or guess_title(text),
        url=url,
        published=published,
        language=language or detect_language(text),
    )
