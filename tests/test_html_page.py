"""The HTML page in a real browser (issue 13): headless Chromium, driven by Playwright.

What a reader does with the page: click a commitment's row and land on its quote, marked; switch
on the actors' highlights; and nothing in an article can run script or load anything. Chromium is
the system's (Debian: `apt-get install chromium`); without it these tests say so and skip, unless
`WIREBRIEF_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs it), where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

pytestmark = pytest.mark.slow  # a browser process

Api = Callable[..., httpx.AsyncClient]
CHROMIUM = os.environ.get("WIREBRIEF_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
# The flags a closed network needs: no background connections, updates or sync at start-up.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTICLE = (
    "Harbour strike looms\n"
    + "Filler about the port and its history, repeated so that the page scrolls. " * 60
    + "\nThe dockworkers' union promised on Monday to return to work by June 1 if the port authority "
    "raises wages, its leader Ana Silva said."
)


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    if CHROMIUM is None:
        if os.environ.get("WIREBRIEF_REQUIRE_BROWSER") == "1":
            pytest.fail("WIREBRIEF_REQUIRE_BROWSER=1 but no Chromium is installed (apt-get install chromium)")
        pytest.skip(  # until Chromium is installed; .ci/run installs it and never skips
            "no Chromium on this machine: the HTML page tests did not run (apt-get install chromium to run them)"
        )
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        await launched.close()


async def _open(browser: object, html: str) -> tuple[object, list[str]]:
    """A page showing `html`, and the list of every request it makes (there must be none)."""
    page = await browser.new_page(viewport={"width": 1000, "height": 600})  # type: ignore[attr-defined]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    await page.set_content(html, wait_until="load")
    return page, requests


async def test_clicking_a_commitment_row_scrolls_to_its_quote_and_marks_it(api: Api, browser: object) -> None:
    html = (await api().post("/v1/briefs?format=html", json={"text": ARTICLE})).text
    page, requests = await _open(browser, html)
    row = page.locator("tr[data-quote]").first  # type: ignore[attr-defined]
    quote_id = await row.get_attribute("data-quote")
    mark = page.locator(f"mark#{quote_id}")  # type: ignore[attr-defined]
    before = await mark.evaluate("m => getComputedStyle(m).backgroundColor")
    assert not await mark.evaluate("m => m.getBoundingClientRect().top < innerHeight")  # far below, unseen

    await row.locator("td").first.click()  # the row, not its Evidence link
    assert await page.evaluate("location.hash") == f"#{quote_id}"  # type: ignore[attr-defined]
    box = await mark.evaluate("m => { const r = m.getBoundingClientRect(); return [r.top, r.bottom, innerHeight]; }")
    assert 0 <= box[0] < box[2]  # scrolled into view
    assert await mark.evaluate("m => getComputedStyle(m).backgroundColor") != before  # marked as the one chosen
    assert "dockworkers" in await mark.inner_text() or "promised" in await mark.inner_text()
    assert requests == []  # the page loaded nothing: it works offline


async def test_the_actor_toggle_highlights_every_mention(api: Api, browser: object) -> None:
    analysis = (await api().post("/v1/briefs", json={"text": ARTICLE})).json()
    html = (await api().post("/v1/briefs?format=html", json={"text": ARTICLE})).text
    page, _ = await _open(browser, html)
    actors = page.locator(".article .actor")  # type: ignore[attr-defined]
    assert await actors.count() == sum(len(a["mentions"]) for a in analysis["actors"]) > 0
    plain = await actors.first.evaluate("a => getComputedStyle(a).backgroundColor")
    await page.click("label[for=show-actors]")  # type: ignore[attr-defined]
    shown = await actors.first.evaluate("a => getComputedStyle(a).backgroundColor")
    assert shown != plain
    texts = [await actors.nth(n).inner_text() for n in range(await actors.count())]
    spans = [analysis["article"]["text"][m["start"] : m["end"]] for a in analysis["actors"] for m in a["mentions"]]
    assert sorted(texts) == sorted(spans)  # each highlight is exactly a mention's text


async def test_markup_and_script_in_an_article_stay_text(api: Api, browser: object) -> None:
    hostile = (
        'The union promised to strike "</script><script>window.pwned=1</script>'
        '<img src=x onerror="window.pwned=2"><b>bold</b>" by Friday, its leader said.'
    )
    html = (await api().post("/v1/briefs?format=html", json={"text": hostile})).text
    page, requests = await _open(browser, html)
    await page.locator("tr[data-quote] td").first.click()  # type: ignore[attr-defined]
    assert await page.evaluate("typeof window.pwned") == "undefined"  # type: ignore[attr-defined]
    assert await page.locator(".article img, .article b, .article script").count() == 0  # type: ignore[attr-defined]
    assert "</script><script>window.pwned=1</script>" in await page.locator(".article").inner_text()  # type: ignore[attr-defined]
    assert requests == []  # not even the <img>'s "x"
