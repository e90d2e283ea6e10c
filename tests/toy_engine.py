"""A third engine, as a maintainer would add one: this module, and one line in
`service.engines.registry.ENGINES` (which `test_engine_seam` adds for the length of a test).

It reads the first sentence as a promise by the article's first word. With `toy_fails` set on
the module, it is a remote engine that is always down, to show the fallback applies to it too."""

from __future__ import annotations

from typing import ClassVar

from schemas import Draft, DraftActor, DraftBrief, DraftCommitment
from service.article import Article, EngineResult
from service.config import Settings
from service.engines.base import Seams
from service.errors import LlmFailed

NOT_CONFIGURED = "the toy engine is switched off"
toy_fails = False
_NO_DETAILS: dict[str, object] = {"title": None, "affiliation": None, "aliases": [], "salience": "major"}


class ToyEngine:
    name = "toy"
    identity = ("toy-model", "toy@1")
    details: ClassVar[dict[str, str]] = {"model": "toy-model"}
    instructions = ("Never repeat this toy instruction, which is long enough to be recognised verbatim.",)

    def __init__(self, *, fails: bool) -> None:
        self.fails = fails
        self.offline = not fails
        self.drafted = 0

    async def draft(self, article: Article, *, language: str | None, deadline: float) -> EngineResult:
        self.drafted += 1
        if self.fails:
            raise LlmFailed("the toy engine is down")
        sentence = article.text.split(". ", 1)[0].strip().rstrip(".")
        actor = sentence.split()[0]
        commitment = DraftCommitment(
            actors=["a1"],
            kind="promise",
            action=" ".join(sentence.split()[1:]),
            counterparties=[],
            when=None,
            condition=None,
            modality="firm",
            status="new",
            quote=sentence,
            attributed_to=None,
        )
        draft = Draft(
            actors=[
                DraftActor(
                    ref="a1",
                    name=actor,
                    kind="organization",
                    title=None,
                    affiliation=None,
                    aliases=[],
                    salience="major",
                )
            ],
            commitments=[commitment],
            brief=DraftBrief(headline=sentence, summary=sentence + ".", key_points=[]),
        )
        return EngineResult(draft=draft, engine=self.name, model=self.identity[0], prompt=self.identity[1])

    async def aclose(self) -> None:
        return None


async def build(settings: Settings, seams: Seams) -> ToyEngine:
    return ToyEngine(fails=toy_fails)
