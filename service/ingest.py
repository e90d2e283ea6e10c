"""Ingest: turn what a user sent (a body of JSON, text or HTML, or a URL) into an `Article` whose
text every offset will index."""

from __future__ import annotations

import dataclasses
import re

from pydantic import ValidationError

from schemas import Warning
from schemas.request import BriefRequest
from service.article import Article
from service.config import Settings
from service.errors import ArticleTooLarge, InvalidArticle, InvalidRequest, UnsupportedMediaType
from service.language import detect_language
from service.textcodec import charset_parameter, decode_plain, decode_text

_READABLE = "send application/json, text/plain or text/html"
# Markup a pasted page carries and prose does not: a doctype or <html>/<body>, or several block tags.
_PAGE = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.IGNORECASE)
_TAG = re.compile(r"</?(?:p|div|span|br|a|li|ul|table|tr|td|h[1-6]|script|style|meta|article|section)\b[^>]*>", re.I)
HTML_AS_TEXT = Warning(
    code="html_sent_as_text",
    detail="the text looks like an HTML page: its markup was analysed as words; send it as text/html "
    "(or in the `html` field) to have its main text read",
)
_NOT_UNICODE = re.compile(r"unicode|surrogate|hex escape|utf-8", re.IGNORECASE)

_MAX_TITLE_CHARS = 200
_HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml"}


def request_from_body(body: bytes, content_type: str | None) -> BriefRequest:
    """The request a body carries: JSON as a `BriefRequest`, a text or HTML body as its article."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        try:
            return BriefRequest.model_validate_json(body)
        except ValidationError as error:
            problems = error.errors(include_url=False)
            unreadable = [e for e in problems if e["type"] == "json_invalid" and _NOT_UNICODE.search(e["msg"])]
            if unreadable:  # the article's text is not valid Unicode: the article's problem
                raise InvalidArticle(f"the text is not valid Unicode ({unreadable[0]['msg']})") from None
            # The shape of the request is wrong: invalid-request with errors[], as for a bad query parameter.
            raise InvalidRequest(
                [
                    {
                        "loc": ["body", *e["loc"]],
                        "msg": _sentence(e["msg"]) if e["type"] != "json_invalid" else "the body is not valid JSON",
                        "type": e["type"],
                    }
                    for e in problems
                ]
            ) from None
    if media == "text/html":  # pages come in many encodings: the declared one, <meta>, or a good guess
        return BriefRequest(html=decode_text(body, charset_parameter(content_type), html=True))
    if media == "text/plain":
        return BriefRequest(text=decode_plain(body, content_type))
    if not media:
        raise UnsupportedMediaType(f"the request has no Content-Type; {_READABLE}")
    raise UnsupportedMediaType(f"the content type {media!r} is not one this service reads; {_READABLE}")


def _sentence(message: str) -> str:
    """pydantic's message without its "Value error, " prefix: what the client reads is a sentence."""
    return message.removeprefix("Value error, ")


def looks_like_html(text: str) -> bool:
    """A page pasted as text (its head is enough to tell, and bounds the work)."""
    head = text[:5000]
    return bool(_PAGE.search(head)) or len(_TAG.findall(head)) >= 5


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
        article = article_from_text(
            request.text,
            title=request.title,
            url=request.url,
            published=request.published,
            language=stated,
            max_chars=settings.max_article_chars,
        )
        return dataclasses.replace(article, notes=(HTML_AS_TEXT,)) if looks_like_html(request.text) else article
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
        page = await article_from_html(
            fetched.body,
            url=fetched.final_url,
            title=request.title,
            published=request.published,
            charset=fetched.charset,
            language=stated,
            max_chars=settings.max_article_chars,
            timeout_s=settings.html_timeout_s,
        )
    else:
        page = article_from_text(
            decode_text(fetched.body, fetched.charset),
            title=request.title,
            url=fetched.final_url,
            published=request.published,
            language=stated,
            max_chars=settings.max_article_chars,
        )
    return dataclasses.replace(page, fetched=True)
