"""What tokens cost (F-34): USD per million tokens, per model."""

from __future__ import annotations

from typing import NamedTuple


class Price(NamedTuple):
    """USD per one million tokens."""

    input: float
    output: float


PRICES: dict[str, Price] = {
    "claude-3-5-haiku-20241022": Price(1.00, 5.00),
    "gpt-4o-mini": Price(0.15, 0.60),
    "offline": Price(0.0, 0.0),
}

# A model missing from the table (a workspace may name any model) is priced
# like the dearest model we know rather than raising: a run must still be
# recorded, and over-counting keeps budgets safe while under-counting would
# let spending through. Add real prices to PRICES when adding a model.
DEFAULT_PRICE = Price(
    max(price.input for price in PRICES.values()), max(price.output for price in PRICES.values())
)


def price_for(model: str) -> Price:
    """The price of `model`, or the conservative `DEFAULT_PRICE` if unknown."""
    return PRICES.get(model, DEFAULT_PRICE)


def cost_cents(model: str, tokens_in: int, tokens_out: int) -> float:
    """What a call cost in US cents (unrounded; the ledger sums fractions)."""
    price = price_for(model)
    # tokens * USD / 1M * 100 cents/USD
    return (max(tokens_in, 0) * price.input + max(tokens_out, 0) * price.output) / 10_000
