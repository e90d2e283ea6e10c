"""The rules engine: spaCy NER + dependency rules, with no LLM and no network.

Why: it is the embedded default when no LLM is configured, the fallback when the LLM is down,
and the baseline the LLM engine is measured against. `reader` reads one article; `engine` is
what the pipeline talks to (its thread, queue and version). This module only registers it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.config import Settings
    from service.engines.base import Seams
    from service.engines.rules.engine import RulesEngine

NOT_CONFIGURED = "the rules engine is not loaded"


async def build(settings: Settings, seams: Seams) -> RulesEngine:
    """Always built: it is the fallback. spaCy loads now unless deferred to first use."""
    from service.engines.rules.engine import RulesEngine

    engine = RulesEngine(settings)
    if not seams.defer_loading:
        await asyncio.to_thread(engine.load)
    return engine
