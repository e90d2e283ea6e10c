"""The LLM engine's registration: built when a model is configured (or asked for by name).

`engine.py` imports the OpenAI SDK and instructor (about a second); this module does not, so a
service without a model never pays for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.config import Settings
    from service.engines.base import Seams
    from service.engines.llm.engine import LlmEngine

NOT_CONFIGURED = "no LLM is configured: set OPENAI_API_KEY or OPENAI_BASE_URL"


async def build(settings: Settings, seams: Seams) -> LlmEngine | None:
    if settings.engine not in ("auto", "llm") or not (settings.llm_configured or settings.engine == "llm"):
        return None
    from service.engines.llm.engine import LlmEngine

    return LlmEngine(settings, transport=seams.transport, on_rate_limited=seams.on_rate_limited)
