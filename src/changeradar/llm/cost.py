"""What calls cost, from a price table, and the spending limit that keeps a run within `budget_usd`."""

from __future__ import annotations

from changeradar.model import TokenUsage

Price = tuple[float, float]  # USD per million prompt tokens, per million completion tokens


def cost_usd(usage: TokenUsage, price: Price) -> float:
    prompt_price, completion_price = price
    return (usage.prompt_tokens * prompt_price + usage.completion_tokens * completion_price) / 1_000_000


class SpendingLimit:
    """Reserves a call's worst-case cost before it starts, so that calls in flight cannot overrun together.

    Without a budget every reservation succeeds. A call's repair or length retry is counted at its real
    cost when the call settles: that is the most a run can pass its budget by.
    """

    def __init__(self, budget_usd: float | None, price: Price | None) -> None:
        self._budget = budget_usd
        self._price = price or (0.0, 0.0)
        self.spent_usd = 0.0
        self._reserved = 0.0

    def reserve(self, prompt_tokens: int, max_tokens: int) -> float | None:
        """The amount set aside for a call, or None when it could take the run past its budget."""
        worst_case = cost_usd(TokenUsage(prompt_tokens, max_tokens), self._price)
        if self._budget is not None and self.spent_usd + self._reserved + worst_case > self._budget:
            return None
        self._reserved += worst_case
        return worst_case

    def settle(self, reserved: float, usage: TokenUsage) -> None:
        self._reserved -= reserved
        self.spent_usd += cost_usd(usage, self._price)
