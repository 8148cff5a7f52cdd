"""Workspace-wide search (F-12): the public API of the domain."""

from rehome.core.search.service import (
    SearchHit,
    SearchResults,
    search,
)

__all__ = [
    "SearchHit",
    "SearchResults",
    "search",
]
