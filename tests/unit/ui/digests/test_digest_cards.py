"""What the digest tabs show: citations as links, a cached digest marked with
its date and why, a factual one marked as written without AI."""

from __future__ import annotations

from datetime import UTC, datetime

from rehome.core.digests.store import SummaryOut
from rehome.core.vocab import SummaryStatus, SummaryType
from rehome.ui.digests.cards import EMPTY, card

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def _summary(**extra: object) -> SummaryOut:
    values = {
        "id": 9,
        "project_id": 1,
        "type": SummaryType.DAILY,
        "audience": "staff",
        "status": SummaryStatus.READY,
        "title": "Daily digest · Kitchen · 2026-11-30",
        "verdict": "at risk",
        "content": "**At risk**: 2 tasks overdue [T-4].",
        "refs": ["T-4"],
        "links": {"T-4": "/projects/1?task=4"},
        "generated_at": NOW,
        "cached": False,
        "cached_from_date": None,
        "cached_reason": None,
        "written_without_ai": False,
        "approved_at": None,
    }
    return SummaryOut.model_validate({**values, **extra})


def test_a_digest_card_links_its_citations() -> None:
    shown = card(_summary())
    assert shown["content"] == "**At risk**: 2 tasks overdue [T-4](/projects/1?task=4)."
    assert (shown["verdict"], shown["note"], shown["present"]) == ("at risk", "", True)
    assert shown["generated"] == "2026-11-30 07:00 UTC"
    assert card(None) == EMPTY


def test_a_cached_digest_says_so_with_its_date_and_reason() -> None:
    cached = card(
        _summary(
            status=SummaryStatus.CACHED,
            cached=True,
            cached_from_date=datetime(2026, 11, 28, 7, 0, tzinfo=UTC),
            cached_reason="The AI budget is used up.",
        )
    )
    assert cached["cached"] is True
    assert cached["note"] == "Cached: the digest of 2026-11-28 07:00 UTC. The AI budget is used up."
    unavailable = "The AI provider is not available right now."
    factual = card(_summary(written_without_ai=True, cached_reason=unavailable))
    assert factual["note"].startswith("Written from the project data without AI")
