"""How the assistant's context is fitted to its budget (F-32): each category
ranked (what concerns the reader first, then newest), then the longest prefix of
each ranking that its share pays for, with unused tokens flowing on in category
order. Whole items only: the kept items are always a prefix, so what is dropped
is the oldest, never a cut line. `context` applies it; the policy is told there.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate

from rehome.core.agent.context_rows import Candidate

CATEGORIES = ("messages", "tasks", "files")  # "files" is the files/meta share
ATTENTION_SHARE = 1 / 3


def newest(items: list[Candidate]) -> list[Candidate]:
    return sorted(items, key=lambda c: (c.at, c.id), reverse=True)


def rank(items: list[Candidate], first: Callable[[Candidate], bool]) -> list[Candidate]:
    """Items for which `first` holds, newest first, then the others, newest first."""
    ordered = newest(items)
    return [c for c in ordered if first(c)] + [c for c in ordered if not first(c)]


def rank_tasks(
    items: list[Candidate], changed: set[int], share: int, cost: Callable[[Candidate], int]
) -> list[Candidate]:
    """Status-changed tasks, then blocked/overdue ones up to a band of the share, then newest."""
    ordered = newest(items)
    lead = [c for c in ordered if c.id in changed]
    band, room = [], int(share * ATTENTION_SHARE)
    for c in ordered:
        stuck = c.data["status"] == "blocked" or c.data["overdue"]
        if c.id not in changed and stuck and cost(c) <= room:
            band.append(c)
            room -= cost(c)
    taken = {c.id for c in lead} | {c.id for c in band}
    return lead + band + [c for c in ordered if c.id not in taken]


def _prefix_cost(costs: list[int], k: int) -> int:
    """Tokens of the first `k` lines, newline included: a quarter token per line, rounded up."""
    return costs[k] + (k + 3) // 4


def fill(
    ranked: dict[str, list[Candidate]],
    shares: dict[str, int],
    items_budget: int,
    cost: Callable[[Candidate], int],
) -> tuple[dict[str, int], dict[str, int]]:
    """How many of each ranking go in: the longest prefix within the share, then
    the longest extension the left-over tokens pay for (in category order)."""
    sums = {cat: [0, *accumulate(cost(c) for c in ranked[cat])] for cat in CATEGORIES}
    kept = {}
    for cat in CATEGORIES:
        k = 0
        while k < len(ranked[cat]) and _prefix_cost(sums[cat], k + 1) <= shares[cat]:
            k += 1
        kept[cat] = k
    pool = items_budget - sum(_prefix_cost(sums[cat], kept[cat]) for cat in CATEGORIES)
    flowed = dict.fromkeys(CATEGORIES, 0)
    for cat in CATEGORIES:
        base = _prefix_cost(sums[cat], kept[cat])
        k = kept[cat]
        while k < len(ranked[cat]) and _prefix_cost(sums[cat], k + 1) - base <= pool:
            k += 1
        flowed[cat] = _prefix_cost(sums[cat], k) - base
        pool -= flowed[cat]
        kept[cat] = k
    return kept, flowed
