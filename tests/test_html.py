"""HTML -> article text and metadata: the main text one paragraph per line, boilerplate gone,
bytes of any common encoding decoded."""

from __future__ import annotations

import codecs
from html import escape

import pytest

from service.errors import InvalidArticle
from service.html import html_to_article_fields
from service.textcodec import codec_for, decode_text, meta_charset
from tests.support import FIXTURES, article_text

SEED = article_text("idlib").split("\n")
HEADLINE, DATELINE, BODY = SEED[0], SEED[1], SEED[2:]


def news_page(paragraphs: list[str], *, headline: str = HEADLINE, head: str = "", dateline: str = "") -> str:
    """A news page laid out with divs (no <article>): cookie banner, menus, sidebar, footer, scripts."""
    body = "\n".join(
        f"<h2>{escape(p)}</h2>" if p == "Delegations met in Ankara" else f"<p>{escape(p, quote=False)}</p>"
        for p in paragraphs
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{escape(headline)} - World News Network</title>
{head}
<script>(function(w,d){{w.ads=w.ads||[];w.ads.push({{slot:"top"}});}})(window,document);</script>
<style>.cookie{{position:fixed;bottom:0}}</style>
</head>
<body>
<div class="cookie" id="consent">This website uses cookies to improve your experience. We'll assume you're ok with
this, but you can opt-out if you wish. <a href="/privacy">Privacy policy</a> <button>Accept</button></div>
<div id="header"><div class="logo"><a href="/">World News Network</a></div>
<ul class="menu"><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li><li><a href="/video">Video</a></li></ul>
</div>
<div id="wrapper">
<div id="content" class="col-8">
<h1 class="headline">{escape(headline)}</h1>
<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">WhatsApp</a></div>
<div class="story-body">
{dateline}
{body}
</div>
<div class="comments"><h3>Comments (0)</h3><p>Log in to leave a comment.</p></div>
</div>
<div id="sidebar" class="col-4">
<div class="widget"><h3>Trending now</h3><ul>
<li><a href="/a">Oil prices climb as supply fears mount</a></li>
<li><a href="/b">Ten things to know before markets open</a></li>
<li><a href="/c">Storm warning issued for the coast this weekend</a></li></ul></div>
<div class="widget newsletter"><h3>Newsletter</h3><p>Sign up for our daily digest of the top stories.</p></div>
</div>
</div>
<div id="footer"><p>Copyright 2020 World News Network. All rights reserved.</p>
<ul><li><a href="/about">About</a></li><li><a href="/contact">Contact</a></li>
<li><a href="/terms">Terms</a></li></ul></div>
<script src="/js/app.js"></script>
<script>document.getElementById("consent").onclick=function(){{this.remove()}};</script>
</body>
</html>"""


def test_the_seed_fixture_page_gives_the_seed_body_with_title_and_date_as_metadata() -> None:
    page = html_to_article_fields((FIXTURES / "articles" / "idlib.html").read_bytes(), "https://news.example.com/x")
    assert page.text.split("\n") == BODY
    assert page.title == HEADLINE
    assert page.published == "2020-02-28"
    assert page.language == "en"


def test_a_realistic_page_gives_the_articles_paragraphs_one_per_line() -> None:
    page = html_to_article_fields(news_page(BODY), None)
    assert page.text.split("\n") == BODY
    assert page.title == HEADLINE
    assert page.language == "en-GB"


def test_a_dateline_paragraph_stays_in_the_text() -> None:
    """trafilatura keeps a dateline written as the first paragraph; only the headline line is dropped."""
    page = html_to_article_fields(news_page(BODY, dateline=f"<p>{DATELINE}</p>"), None)
    assert page.text.split("\n") == [DATELINE, *BODY]


def test_the_date_comes_from_markup_and_is_not_guessed_from_the_text() -> None:
    dated = news_page(BODY, head='<meta property="article:published_time" content="2020-02-28T18:42:00+03:00">')
    assert html_to_article_fields(dated, None).published == "2020-02-28"
    undated = news_page([*BODY, "The statement was published on March 3, 2020 in Moscow."])
    assert html_to_article_fields(undated, None).published is None


FRENCH = [
    "Le président a déclaré jeudi que la réunion aurait lieu à Genève « dès que possible ».",
    "Les négociateurs, reçus à l’Élysée, ont promis une réponse d’ici à la fin du mois — sans conditions.",
]


def french_page(meta: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in FRENCH)
    return f"<html><head>{meta}<title>Genève</title></head><body><div class=texte>{paragraphs}</div></body></html>"


def test_a_windows_1252_page_without_a_declared_charset_decodes_correctly() -> None:
    page = html_to_article_fields(french_page().encode("cp1252"), None)
    assert page.text.split("\n") == FRENCH


def test_a_latin_1_page_decodes_with_the_charset_from_its_meta_or_the_http_header() -> None:
    plain = [line.replace("’", "'").replace(" —", ",") for line in FRENCH]  # what latin-1 can hold
    paragraphs = "".join(f"<p>{p}</p>" for p in plain)
    html = f"<html><body><div>{paragraphs}</div></body></html>"
    assert html_to_article_fields(html.encode("latin-1"), None, charset="ISO-8859-1").text.split("\n") == plain
    with_meta = html.replace(
        "<html>", '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    )
    assert html_to_article_fields(with_meta.encode("latin-1"), None).text.split("\n") == plain


def test_the_http_charset_wins_over_a_wrong_meta_and_a_bom_over_both() -> None:
    wrong_meta = french_page('<meta charset="utf-8">').encode("cp1252")
    assert html_to_article_fields(wrong_meta, None, charset="windows-1252").text.split("\n") == FRENCH
    bom = codecs.BOM_UTF8 + french_page('<meta charset="iso-8859-1">').encode("utf-8")
    assert html_to_article_fields(bom, None, charset="iso-8859-1").text.split("\n") == FRENCH
    utf16 = french_page().encode("utf-16")  # with its BOM
    assert html_to_article_fields(utf16, None).text.split("\n") == FRENCH


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        b"\x00\x01\x02",
        "<html><body><script>var article = 1;</script></body></html>",
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>",
        "<html><head><title>Sign in</title></head><body><nav><a href=/>Home</a></nav>"
        "<form><input name=user><button>Sign in</button></form></body></html>",
    ],
    ids=["empty", "blank", "binary", "script-only", "menu-only", "login-form"],
)
def test_a_page_without_main_text_is_an_invalid_article(html: str | bytes) -> None:
    with pytest.raises(InvalidArticle) as caught:
        html_to_article_fields(html, "https://example.com/")
    assert (caught.value.status, caught.value.type) == (422, "invalid-article")


def test_decode_text_order_of_clues() -> None:
    assert decode_text("café".encode()) == "café"
    assert decode_text("café".encode("cp1252")) == "café"  # not UTF-8: a guess, windows-1252 on a near-tie
    assert (
        decode_text("Правительство объявило о новых мерах.".encode("cp1251")) == "Правительство объявило о новых мерах."
    )
    assert decode_text(b"caf\xe9", "no-such-charset") == "café"  # an unknown label is ignored
    assert decode_text(b"\x93quoted\x94", "iso-8859-1") == "“quoted”"  # latin-1 read as windows-1252
    assert decode_text(b"caf\xff", "utf-8") == "caf\ufffd"  # a declared charset is trusted, errors replaced
    assert decode_text(b'<meta charset="windows-1252"><p>caf\xe9', html=True).endswith("café")
    assert meta_charset(b'<meta charset="utf-16">') == "utf-8"
    assert codec_for(" 'UTF-8' ") == "utf-8"
    assert codec_for(None) is None
