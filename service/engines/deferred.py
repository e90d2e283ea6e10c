"""The rules engine, imported on first use.

A batch run on the LLM needs the rules engine only if the LLM fails; importing spaCy and its
pipeline costs about half a second of start-up that such a run should not pay up front.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemas import Draft
    from service.article import Article
    from service.engines.rules import RulesEngine


class DeferredRules:
    name = "rules"

    def __init__(self) -> None:
        self._engine: RulesEngine | None = None

    def draft(self, article: Article) -> Draft:
        if self._engine is None:
            from service.engines.rules import RulesEngine

            self._engine = RulesEngine()
        return self._engine.draft(article)
