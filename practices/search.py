"""Free-text search, in the page's language: PostgreSQL full-text search, or SQLite's FTS5.

Every query word must begin a stem of the practice's document in that language (its
translated text, English where untranslated): "volunteers" and "volunteer" both look
for the stem "volunt", "bénévoles" for "benevol" in French pages. Accents and case fold
on both sides. PostgreSQL parses with the language's configuration (portal_french...:
unaccent, then its Snowball stemmer; migration 0017) and ranks with ts_rank over the
GIN-indexed vector of that language (one narrow row per practice and language,
search_store.py). SQLite looks the stems (practices/stemming.py) up in one FTS5 index
(kept in step by triggers, see ensure_sqlite_fts) and orders "relevance" by title.
Either is one index lookup: a LIKE over 100,000 documents cost ~400 ms, and a page
looks up its search for the counts and, ranked on PostgreSQL, again for its order.
"""

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, connections
from django.db.models import F, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from pyroaring import BitMap

from portal.text import words

from . import facet_bitmaps, search_lexemes
from .search_store import PracticeVector
from .stemming import ORIGINAL, STEMMERS, search_language, stem

# A query longer than this many words is cut: the extra words would only narrow an
# already narrow AND-search, and each one costs an FTS5 (SQLite) or a tsquery term.
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40


def query_words(query):
    return [w[:MAX_WORD_LENGTH] for w in words(query)][:MAX_QUERY_WORDS]


def apply_search(queryset, query, language=None):
    terms = query_words(query)
    if not terms:
        return queryset
    language = language or search_language()
    if connection.vendor == "postgresql":
        return _postgres(queryset, terms, language)
    # A constant statement; the user's words travel as a parameter.
    matching = RawSQL(_FTS_MATCH, (_fts_match(terms, language),))  # noqa: S611
    # No rank: FTS5's bm25 over stems of every language would rank by noise. Relevance
    # is then sorted_by()'s title order, the one the page can walk (Browse.page_ids).
    return queryset.filter(pk__in=matching)


def _fts_match(terms, language):
    """The FTS5 MATCH expression of these words. Stems are [a-z0-9]+ after a language
    mark: quoting them is enough for FTS5. A word may meet the page language's stem or,
    in untranslated text, the English one."""
    return " AND ".join(
        "(" + " OR ".join(f'"{language}_{s}"*' for s in _stems(term, language)) + ")"
        for term in terms
    )


def _fts_ids(using, terms, language):
    """SQLite: the ids of the practices matching these words, as a bitmap, from the FTS5
    index alone. Its rowids are the practices' ids (its triggers drop a deleted one):
    joining them back to the practice rows to select the same ids cost 12 ms of a
    one-word search's 14 at 100,000 practices."""
    return facet_bitmaps.bitmap_of(connections[using], _FTS_MATCH, [_fts_match(terms, language)])


def _stems(term, language):
    return sorted({stem(term, language), stem(term, ORIGINAL)})


def _tsquery(terms, language):
    configs = _configs(language)
    tsquery = None
    for term in terms:
        # Terms are [a-z0-9]+ (portal.text.words): a raw prefix term is safe as it is.
        either = None
        for config in configs:
            one = SearchQuery(f"{term}:*", config=config, search_type="raw")
            either = one if either is None else either | one
        tsquery = either if tsquery is None else tsquery & either
    return tsquery


def _matches(terms, language):
    return PracticeVector.objects.filter(language=language, vector=_tsquery(terms, language))


def _rank(terms, language):
    return SearchRank(F("vector"), _tsquery(terms, language))


def _configs(language):
    return sorted({f"portal_{STEMMERS[language]}", f"portal_{STEMMERS[ORIGINAL]}"})


def _stored(using, terms, language):
    """A one-word search's (rank, bitmap) pairs from the lexeme store, or None where
    that cannot answer (search_lexemes.py)."""
    if len(terms) != 1:
        return None
    return search_lexemes.ranks(terms[0], language, _configs(language), using)


def _postgres(queryset, terms, language):
    matches = _matches(terms, language)
    rank = matches.filter(practice=OuterRef("pk")).annotate(rank=_rank(terms, language))
    # alias(), not annotate(): the rank is computed only where an ORDER BY uses it,
    # not in the counts and facet subqueries built on this queryset.
    return queryset.filter(pk__in=matches.values("practice_id")).alias(
        rank=Subquery(rank.values("rank")[:1])
    )


@dataclass
class Found:
    """A search's matches: their ids as a bitmap and, where PostgreSQL ranks them for
    the page's order, the matches of each rank, as (rank, bitmap) from the highest;
    with the practices and query they came from, for ranked_page()."""

    practices: Any
    query: str
    ids: BitMap
    ranks: list | None = None


def found_by(practices, query, candidates=None, sort=""):
    """The practices matching `query` (drafts too: the facets' sets keep a visitor's
    own), among `candidates` (a bitmap) if given, as Found; for the "relevance" `sort`,
    grouped by rank (PostgreSQL). `practices` is every practice (this module sits
    below the models). PostgreSQL reads a one-word search from the lexeme store
    (search_lexemes.py), others from the narrow vector rows only: through the
    practices, the same ids cost a probe of each match's practice row (31 ms against
    15 for a one-word search at 100,000 practices)."""
    terms, language = query_words(query), search_language()
    if connections[practices.db].vendor != "postgresql":
        ids = _fts_ids(practices.db, terms, language)
        return Found(practices, query, ids if candidates is None else ids & candidates)
    ranked = sort == "relevance"
    stored = _stored(practices.db, terms, language)
    if stored is not None:
        if candidates is not None:
            stored = [(rank, kept) for rank, ids in stored if (kept := ids & candidates)]
        ids = facet_bitmaps.union_of(ids for _rank, ids in stored)
        return Found(practices, query, ids, stored if ranked else None)
    rows, field = _matches(terms, language), "practice_id"
    if candidates is not None:
        rows = facet_bitmaps.among(rows, candidates, field)
    if not ranked:
        return Found(practices, query, facet_bitmaps.ids(rows, field))
    # One row per rank, its matches as an array: a one-word search ranks its 28,000
    # matches at 100,000 practices in six values, and handing Python 28,000 (id, rank)
    # rows, then sorting them by rank, cost 20 ms of the page's 130.
    rows = rows.annotate(rank=_rank(terms, language)).values("rank")
    rows = rows.annotate(ids=ArrayAgg(field)).values_list("rank", "ids").order_by()
    ranks = [(rank, BitMap(ids)) for rank, ids in facet_bitmaps.rows(rows)]
    ranks.sort(key=itemgetter(0), reverse=True)
    return Found(practices, query, facet_bitmaps.union_of(ids for _rank, ids in ranks), ranks)


def ranked_page(found, within, bottom, top):
    """PostgreSQL: the ids bottom..top of the practices in the bitmap `within` (all in
    `found`, ranked), in the order sorted_by("relevance") gives them: rank, title, id.
    From the ranks the counts' query read, not a second pass over the matches (at a
    million practices 350 ms): those ranked above the page's last rank come in title
    order from their ids (fewer than a page), those tied at it by walking the title
    index (a synthetic set ranks 275,000 matches in six values). Left to SQL where the
    walk gives up."""
    if found.ranks is None:
        return ranked_ids(found.query, within, bottom, top)
    groups = [kept for _rank, ids in found.ranks if (kept := ids & within)]
    if sum(map(len, groups)) <= bottom:
        return []
    # The page's last rank is the one holding its top-th practice (or the lowest).
    above, held = [], 0
    for i, ids in enumerate(groups):
        if held + len(ids) >= top or i == len(groups) - 1:
            tied = ids
            break
        above.append(ids)
        held += len(ids)
    by_title = found.practices.sorted_by("title")
    page = []
    if above:
        titled = facet_bitmaps.among(by_title, facet_bitmaps.union_of(above))
        place = {pk: i for i, pk in enumerate(titled.values_list("pk", flat=True))}
        for ids in above:
            page += sorted(ids, key=lambda pk: place.get(pk, -1))
    page = page[bottom:top]
    lo, hi = max(bottom - held, 0), top - held
    if hi <= lo:
        return page
    if len(tied) <= facet_bitmaps.PROBED:
        titled = facet_bitmaps.among(by_title, tied)
        rest = list(titled.values_list("pk", flat=True)[lo:hi])
    else:
        rest = facet_bitmaps.walk(by_title.values_list("pk", flat=True), tied, lo, hi)
    if rest is None:
        return ranked_ids(found.query, within, bottom, top)
    return page + rest


def ranked_ids(query, within, bottom, top):
    """PostgreSQL, in SQL: the ids bottom..top of the practices in the bitmap `within`
    (all of which match `query`), in the order sorted_by("relevance") gives them. Only
    where ranked_page's walk gives up (a narrow set, a deep page): it ranks every match
    and reads each one's title from its practice row."""
    terms, language = query_words(query), search_language()
    rows = facet_bitmaps.among(_matches(terms, language), within, "practice_id")
    rows = rows.order_by(_rank(terms, language).desc(), "practice__sort_title", "practice_id")
    return list(rows.values_list("practice_id", flat=True)[bottom:top])


FTS_TABLE = "practice_stems_fts"
# Written out in full (no string building): SQL that only ever comes from this file.
# unicode61 keeps "_" inside a token, so "fr_benevol" is one token; the stems are folded
# already (remove_diacritics only guards text that is not).
_FTS_SQL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS practice_stems_fts USING fts5(
        search_stems, content='practices_practice', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2 tokenchars '_'")""",
    """CREATE TRIGGER IF NOT EXISTS practice_stems_fts_ai AFTER INSERT ON practices_practice
    BEGIN
        INSERT INTO practice_stems_fts(rowid, search_stems) VALUES (new.id, new.search_stems);
    END""",
    """CREATE TRIGGER IF NOT EXISTS practice_stems_fts_ad AFTER DELETE ON practices_practice
    BEGIN
        INSERT INTO practice_stems_fts(practice_stems_fts, rowid, search_stems)
        VALUES ('delete', old.id, old.search_stems);
    END""",
    """CREATE TRIGGER IF NOT EXISTS practice_stems_fts_au
    AFTER UPDATE OF search_stems ON practices_practice
    BEGIN
        INSERT INTO practice_stems_fts(practice_stems_fts, rowid, search_stems)
        VALUES ('delete', old.id, old.search_stems);
        INSERT INTO practice_stems_fts(rowid, search_stems) VALUES (new.id, new.search_stems);
    END""",
]
# The index of the unstemmed English document, before per-language search (0017).
_FTS_RETIRED = [
    "DROP TRIGGER IF EXISTS practice_search_fts_ai",
    "DROP TRIGGER IF EXISTS practice_search_fts_ad",
    "DROP TRIGGER IF EXISTS practice_search_fts_au",
    "DROP TABLE IF EXISTS practice_search_fts",
]
_FTS_MATCH = "SELECT rowid FROM practice_stems_fts WHERE practice_stems_fts MATCH %s"
_FTS_REBUILD = "INSERT INTO practice_stems_fts(practice_stems_fts) VALUES ('rebuild')"


def ensure_sqlite_fts(using="default", **kwargs):
    """Create SQLite's FTS5 index and its triggers if missing, after every migrate.

    Not a migration: when a later migration alters practices_practice, Django's SQLite
    backend rebuilds the table and its triggers vanish; re-checking after each migrate
    puts them back. Rebuilding the index (about a second per 100,000 practices) happens
    only when something was missing.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE %s", [f"{FTS_TABLE}%"])
        before = cursor.fetchone()[0]
        for statement in [*_FTS_RETIRED, *_FTS_SQL]:
            cursor.execute(statement)
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE %s", [f"{FTS_TABLE}%"])
        if cursor.fetchone()[0] != before:
            cursor.execute(_FTS_REBUILD)
