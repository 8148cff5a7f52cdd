"""Workspace-wide search (F-12): the public API of the domain."""

from rehome.core.search.service import (
    MAX_QUERY,
    SearchHit,
    SearchResults,
    search,
)

__all__ = [
    "MAX_QUERY",
    "SearchHit",
    "SearchResults",
    "search",
]
