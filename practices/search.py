"""Free-text search: PostgreSQL full-text search, or SQLite's FTS5.

Both match the same words (see portal/text.py): every query word must begin a word of
the practice's search document. PostgreSQL ranks with ts_rank and uses the GIN index
`practice_search_gin`. SQLite uses an FTS5 index of the same document (kept in step by
triggers, see ensure_sqlite_fts) and orders "relevance" by title. Both beat scanning:
a LIKE over 100,000 documents cost ~400 ms, and the browser runs it once per facet.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, connections
from django.db.models import F, Value
from django.db.models.expressions import RawSQL

from portal.text import words

# A query longer than this many words is cut: the extra words would only narrow an
# already narrow AND-search, and each one costs an FTS5 (SQLite) or a tsquery term.
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40


def query_words(query):
    return [w[:MAX_WORD_LENGTH] for w in words(query)][:MAX_QUERY_WORDS]


def apply_search(queryset, query):
    terms = query_words(query)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(
            " & ".join(f"{t}:*" for t in terms), config="simple", search_type="raw"
        )
        # alias(), not annotate(): the rank is computed only where an ORDER BY uses it,
        # not in the counts and facet subqueries built on this queryset.
        return queryset.filter(search_vector=tsquery).alias(
            rank=SearchRank(F("search_vector"), tsquery)
        )
    # Terms are [a-z0-9]+ (portal.text.words), so quoting them is enough for FTS5.
    match = " AND ".join(f'"{term}"*' for term in terms)
    # A constant statement; the user's words travel as a parameter.
    matching = RawSQL(_FTS_MATCH, (match,))  # noqa: S611
    return queryset.filter(pk__in=matching).alias(rank=Value(0.0))


FTS_TABLE = "practice_search_fts"
# Written out in full (no string building): SQL that only ever comes from this file.
_FTS_SQL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS practice_search_fts USING fts5(
        search_document, content='practices_practice', content_rowid='id')""",
    """CREATE TRIGGER IF NOT EXISTS practice_search_fts_ai AFTER INSERT ON practices_practice
    BEGIN
        INSERT INTO practice_search_fts(rowid, search_document)
        VALUES (new.id, new.search_document);
    END""",
    """CREATE TRIGGER IF NOT EXISTS practice_search_fts_ad AFTER DELETE ON practices_practice
    BEGIN
        INSERT INTO practice_search_fts(practice_search_fts, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
    END""",
    """CREATE TRIGGER IF NOT EXISTS practice_search_fts_au
    AFTER UPDATE OF search_document ON practices_practice
    BEGIN
        INSERT INTO practice_search_fts(practice_search_fts, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
        INSERT INTO practice_search_fts(rowid, search_document)
        VALUES (new.id, new.search_document);
    END""",
]
_FTS_MATCH = "SELECT rowid FROM practice_search_fts WHERE practice_search_fts MATCH %s"
_FTS_REBUILD = "INSERT INTO practice_search_fts(practice_search_fts) VALUES ('rebuild')"


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
        for statement in _FTS_SQL:
            cursor.execute(statement)
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE %s", [f"{FTS_TABLE}%"])
        if cursor.fetchone()[0] != before:
            cursor.execute(_FTS_REBUILD)
