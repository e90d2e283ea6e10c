"""The LLM engine's registration: built when a model is configured (or asked for by name).

`engine.py` imports the OpenAI SDK and instructor (about a second); this module does not, so a
service without a model never pays for them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.config import Settings
    from service.engines.base import Seams
    from service.engines.llm.engine import LlmEngine

log = logging.getLogger(__name__)
NOT_CONFIGURED = "no LLM is configured: set OPENAI_API_KEY or OPENAI_BASE_URL"


async def build(settings: Settings, seams: Seams) -> LlmEngine | None:
    if settings.engine not in ("auto", "llm") or not (settings.llm_configured or settings.engine == "llm"):
        return None
    from service.engines.llm.engine import LlmEngine

    mode_reason = None
    if settings.llm_mode == "auto":
        mode, mode_reason = await _find_mode(settings, seams)
        log.info("WIREBRIEF_LLM_MODE=auto: %s", mode_reason)
        settings = settings.model_copy(update={"llm_mode": mode})
    return LlmEngine(
        settings,
        transport=seams.transport,
        on_rate_limited=seams.on_rate_limited,
        mode_reason=mode_reason,
        shared_slots=seams.llm_slots,
    )


async def _find_mode(settings: Settings, seams: Seams) -> tuple[str, str]:
    """Ask the server once, at start-up, within a bound (a server that is down must not stall it)."""
    import httpx2

    from service.llm.modes import find_mode

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    client = httpx2.AsyncClient(transport=seams.transport or httpx2.AsyncHTTPTransport(), timeout=30.0)
    try:
        return await find_mode(client, settings.openai_base_url or "https://api.openai.com/v1", settings.model, key)
    finally:
        if seams.transport is None:  # a transport handed in belongs to the engine that comes next
            await client.aclose()
