"""Ingest: turn what a user sent (text, HTML or a URL) into an `Article` whose text every
offset will index."""

from __future__ import annotations

from schemas.request import BriefRequest
from service.article import Article
from service.config import Settings
from service.errors import ArticleTooLarge, InvalidArticle
from service.language import detect_language

_MAX_TITLE_CHARS = 200
_HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml"}


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


async def article_from_html(
    html: str | bytes,
    *,
    url: str | None,
    title: str | None = None,
    published: str | None = None,
    charset: str | None = None,
    language: str | None = None,
    max_chars: int,
    timeout_s: float,
) -> Article:
    """The page's main text, headed by its title as a pasted article would be; date and
    language from the page's markup unless the client gave them. Read in a worker process, within
    `timeout_s` (`service.html_pool`)."""
    from service.html_pool import extract_page

    page = await extract_page(html, url, charset=charset, timeout_s=timeout_s)
    headline = title or page.title
    text = page.text
    if headline and not text.lstrip().startswith(headline):
        text = f"{headline}\n{text}"
    language = language or (page.language.split("-")[0].split("_")[0].lower() if page.language else None)
    return article_from_text(
        text, title=headline, url=url, published=published or page.published, language=language, max_chars=max_chars
    )


async def ingest(request: BriefRequest, settings: Settings) -> Article:
    """Text as given, HTML through its main text, a URL fetched under the SSRF guard; in the
    language the client states (`options.article_language`), else the one detected."""
    stated = request.options.article_language.split("-")[0].lower() if request.options.article_language else None
    if request.text is not None:
        return article_from_text(
            request.text,
            title=request.title,
            url=request.url,
            published=request.published,
            language=stated,
            max_chars=settings.max_article_chars,
        )
    if request.html is not None:
        return await article_from_html(
            request.html,
            url=request.url,
            title=request.title,
            published=request.published,
            language=stated,
            max_chars=settings.max_article_chars,
            timeout_s=settings.html_timeout_s,
        )
    from service.fetch import fetch_url
    from service.textcodec import decode_text

    assert request.url is not None  # the request model guarantees one source
    fetched = await fetch_url(
        request.url,
        allowed=settings.allow_list,
        max_bytes=settings.fetch_max_bytes,
        timeout_s=settings.fetch_timeout_s,
    )
    if fetched.content_type in _HTML_TYPES:
        return await article_from_html(
            fetched.body,
            url=fetched.final_url,
            title=request.title,
            published=request.published,
            charset=fetched.charset,
            language=stated,
            max_chars=settings.max_article_chars,
            timeout_s=settings.html_timeout_s,
        )
    return article_from_text(
        decode_text(fetched.body, fetched.charset),
        title=request.title,
        url=fetched.final_url,
        published=request.published,
        language=stated,
        max_chars=settings.max_article_chars,
    )
