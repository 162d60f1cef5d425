"""What the practice browser should list, worked out without the browser's own code.

Tests compare the browser and its export against these expectations: published
practices read with plain queries, then filtered and ordered here in Python, following
the rules the README states (values within a facet OR, facets AND, every search word
begins a word of the practice's text, accents folded). Nothing here calls
PracticeFilter, Browse or the search backend, so a bug there cannot hide in both sides.

Titles order by their folded words (the README's rule: quotes, punctuation, case and
accents do not count), worked out here from the titles themselves. City names order by
the database's own collation (read with one ORDER BY), so the expectations hold on any
PostgreSQL locale as well as SQLite.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from cities.models import City
from portal.text import fold, words
from practices.models import Practice
from practices.stemming import stem


@dataclass(frozen=True)
class Row:
    pk: int
    slug: str
    themes: frozenset
    country: str | None
    status: str
    kind: str
    start_year: int | None
    text_words: tuple
    title_rank: int
    city_rank: int | None


def _ranks(values):
    """Each value's place in the order the database gave; equal values share a place."""
    ranks = {}
    for value in values:
        ranks.setdefault(value, len(ranks))
    return ranks


def published_rows():
    themes = defaultdict(set)
    for practice_id, slug in Practice.themes.through.objects.values_list(
        "practice_id", "theme__slug"
    ):
        themes[practice_id].add(slug)
    titles = _ranks(sorted(fold(t) for t in Practice.objects.values_list("title", flat=True)))
    cities = _ranks(City.objects.order_by("name").values_list("name", flat=True))
    fields = ["pk", "slug", "title", "status", "kind", "start_year", "search_document"]
    return [
        Row(
            pk=p["pk"],
            slug=p["slug"],
            themes=frozenset(themes[p["pk"]]),
            # The effective country: the city's, else the practice's own (a national law).
            country=p["city__country"] or p["country"],
            status=p["status"],
            kind=p["kind"],
            start_year=p["start_year"],
            text_words=tuple(words(p["search_document"])),
            title_rank=titles[fold(p["title"])],
            city_rank=cities.get(p["city__name"]),
        )
        for p in Practice.objects.filter(is_published=True).values(
            *fields, "city__country", "country", "city__name"
        )
    ]


def matches(row_words, query):
    """Every word of the query begins the stem of some word of the practice's English
    text (Snowball's English stemmer, as both databases stem: practices/search.py)."""
    stems = {stem(word, "en") for word in row_words}
    return all(any(s.startswith(stem(term, "en")) for s in stems) for term in words(query))


def _wanted(row, query):
    return (
        (not query.get("theme") or row.themes & set(query["theme"]))
        and (not query.get("country") or row.country in query["country"])
        and (not query.get("status") or row.status in query["status"])
        # Without a kind asked for, the browser shows initiatives and strategies (README).
        and row.kind in (query.get("kind") or ("initiative", "strategy"))
        and matches(row.text_words, query.get("q", ""))
    )


def _sort_key(sort):
    if sort == "newest":
        return lambda r: (r.start_year is None, -(r.start_year or 0), r.title_rank, r.pk)
    if sort == "city":
        return lambda r: (r.city_rank is None, r.city_rank or 0, r.title_rank, r.pk)
    return lambda r: (r.title_rank, r.pk)


def expected_slugs(query):
    """(slugs in the browser's order, whether that order is known here).

    "relevance" with a search is PostgreSQL's ts_rank, which is not worked out here: the
    slugs then come in title order and the order is not known. On SQLite every match
    ranks the same, so relevance is title order.
    """
    rows = [r for r in published_rows() if _wanted(r, query)]
    sort = query.get("sort", "")
    searching = bool(words(query.get("q", "")))
    if sort not in {"title", "newest", "city"}:
        sort = "relevance" if searching else "title"
    known = sort != "relevance" or connection.vendor != "postgresql"
    return [r.slug for r in sorted(rows, key=_sort_key(sort))], known
