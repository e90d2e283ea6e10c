"""HTML page -> the article's text and metadata, through trafilatura.

The text keeps one paragraph per line, like the plain-text articles, so offsets and the
paragraph-aware chunking work the same way. The headline is metadata (`title`): trafilatura
keeps an <h1> that sits inside the article element as the first line, and we drop that line so
the text is the body whatever the page's layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from service.errors import InvalidArticle
from service.textcodec import decode_text

# Dates only from the page's markup (meta tags, <time>, JSON-LD, the URL): a date guessed from the
# body text ("on February 28") is too often not the publication date.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}
_UPPER, _LOWER = "CONTENT-LANGUAGE", "content-language"
# trafilatura's fallback extractors return whatever text a page has, so a login form or a bare menu
# comes back as "Home / News / Sign in": a page whose longest line is shorter than this has no article.
_MIN_LONGEST_LINE = 20
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class ExtractedPage:
    text: str  # the main text, one paragraph per line
    title: str | None
    published: str | None  # ISO date (YYYY-MM-DD) from the page's markup
    language: str | None  # as the page declares it (<html lang>), e.g. "en" or "en-GB"


def html_to_article_fields(html: str | bytes, url: str | None, *, charset: str | None = None) -> ExtractedPage:
    """Extract the main text, title, date and language of a page; `charset` is the HTTP header's.

    Raises `InvalidArticle` when the page has no main text.
    """
    source = decode_text(html, charset, html=True) if isinstance(html, bytes) else html
    tree = load_html(source.replace("\x00", "")) if source.strip() else None
    if tree is None:
        raise InvalidArticle("the HTML page is empty or could not be parsed")
    language = _declared_language(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        date_extraction_params=_DATE_PARAMS,
    )
    raw_text = getattr(document, "text", None) or ""
    title = _clean(getattr(document, "title", None))
    lines = [line.strip() for line in raw_text.split("\n")]
    lines = [line for line in lines if line]
    if lines and title and _same(lines[0], title):
        lines = lines[1:]
    if not lines or max(len(line) for line in lines) < _MIN_LONGEST_LINE:
        raise InvalidArticle("no article text was found in the HTML page")
    return ExtractedPage(
        text="\n".join(lines),
        title=title,
        published=_clean(getattr(document, "date", None)),
        language=_clean(getattr(document, "language", None)) or language,
    )


def _declared_language(tree: HtmlElement) -> str | None:
    """<html lang>, else <meta http-equiv="content-language">."""
    root = tree.getroottree().getroot()
    candidates = [root.get("lang"), root.get("xml:lang")]
    candidates += root.xpath(
        "//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')='content-language']/@content"
    )
    for candidate in candidates:
        value = str(candidate or "").split(",")[0].strip()
        if _LANGUAGE_TAG.match(value):
            return value.replace("_", "-")
    return None


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _same(line: str, title: str) -> bool:
    return " ".join(line.split()).casefold() == title.casefold()
