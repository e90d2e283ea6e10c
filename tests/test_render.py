"""What a person reads: the Markdown and HTML views say, for each commitment, how firm it is, its
status, when and on what condition, and who said it; the page cannot be broken by the article."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

Api = Callable[..., httpx.AsyncClient]
TEXT = (
    "Talks resume\n"
    "Russia agreed on Monday to resume talks with Ukraine by March if the ceasefire holds, the minister said."
)


async def test_markdown_shows_modality_status_condition_and_who_said_it(api: Api) -> None:
    page = (await api().post("/v1/briefs?format=md", json={"text": TEXT})).text
    header = next(line for line in page.splitlines() if line.startswith("| Who |"))
    assert [c.strip() for c in header.strip("|").split("|")][4:8] == ["When", "Modality", "Status", "Said by"]
    row = next(line for line in page.splitlines() if line.startswith("| Russia | agreement |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[4] == "March (if the ceasefire holds)"
    assert cells[5:8] == ["conditional", "new", "minister"]


async def test_the_html_page_shows_the_same_and_counts_mentions_in_words(api: Api) -> None:
    answer = await api().post("/v1/briefs?format=html", json={"text": TEXT})
    assert "script-src" not in answer.headers["content-security-policy"]  # default-src 'none': no script at all
    page = re.sub(r"</?a\b[^>]*>", "", answer.text)  # each cell links to its quote: read the cells' text
    assert "<th>Modality</th><th>Status</th><th>Said by</th>" in page
    assert "<td>conditional</td><td>new</td><td>minister</td>" in page
    assert "1 mention<" in page and "1 mentions" not in page


async def test_markup_in_the_article_cannot_break_out_of_the_page(api: Api) -> None:
    hostile = 'The union promised to strike "</script><script>alert(1)</script><b>" by Friday.'
    page = (await api().post("/v1/briefs?format=html", json={"text": hostile})).text
    assert "<script>alert(1)</script>" not in page and "&lt;/script&gt;" in page
