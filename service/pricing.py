"""What an analysis cost: tokens at the model's list price, less the provider batch's discount."""

from __future__ import annotations

from schemas import Usage
from service.config import Settings


def cost_usd(usage: Usage, model: str | None, settings: Settings) -> float | None:
    """US dollars for these tokens (those a provider batch answered at its discount); None for a model
    the price table lacks."""
    price = settings.prices.get(model) if model else None
    if price is None:
        return None
    discount = 1 - settings.batch_price_factor
    billed_input = usage.input_tokens - discount * usage.batch_input_tokens
    billed_output = usage.output_tokens - discount * usage.batch_output_tokens
    return round((billed_input * price.input + billed_output * price.output) / 1_000_000, 6)
