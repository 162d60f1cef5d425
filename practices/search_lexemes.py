"""PostgreSQL: a one-word search from a lexeme store, not from its matches' vectors.

Why: a one-word search ranks every match for the page's order and the facets' counts.
Read from the vectors, `language` at 100,000 practices is a bitmap heap scan of 28,321
rows on 5,748 pages (11 ms), ts_rank over each (8 ms), and a sort into six ranks (6
ms): 25-30 ms of a page with an aim of 90. Here it is two index reads of a few rows,
each a lexeme's practices by weights as a roaring bitmap, and the ranks computed in
Python from those weights: about 2 ms.

The ranks are ts_rank's own (PostgreSQL's calc_rank_or, default weights, no
normalisation), computed in the same single-precision steps, so a page orders its
matches exactly as ranked_ids() does in SQL; tests compare both on the knowledge base
and a synthetic set. For one word a practice's rank is a sum over the vector entries
its query's prefixes meet, and each entry's share depends only on its weights. Not
served here (search.py asks SQL): several words (ts_rank of an AND weighs how close
the words stand), a word the parser splits, and a prefix meeting more than
MAX_ROWS rows.

Cost: a write reads the written practices' entries before and after (one unnest of
their vectors each) and rewrites the rows of the entries that changed, under a row
lock taken in key order, like the facet bitmaps: an edit to a summary rewrites a few
rows per language, a new practice about 130. A row a write empties stays (a concurrent
writer may be waiting to add to it); rebuild() drops them. Bulk writers rebuild().
"""

import struct
from collections import defaultdict

from django.db import connection, connections, transaction
from django.db.models import Q
from pyroaring import BitMap

from .facet_bitmaps import from_blob
from .search_store import SearchLexeme

# Past this many rows, a prefix is too short to be worth it here ("a" meets thousands).
MAX_ROWS = 200
# A practice is rewritten here, and its entries read, this many at a time.
CHUNK = 500


def _f32(x):
    """x rounded to single precision, as C stores a float: calc_rank_or's arithmetic."""
    return struct.unpack("f", struct.pack("f", x))[0]


# ts_rank's default weights {D, C, B, A} = {0.1, 0.2, 0.4, 1.0}, as C floats.
_WEIGHTS = {letter: _f32(w) for letter, w in zip("DCBA", (0.1, 0.2, 0.4, 1.0), strict=True)}
_SCORES = {}


def entry_score(weights):
    """One vector entry's share of a rank: calc_rank_or's term for an entry whose
    positions carry `weights` ("DDA"; an entry without positions counts as one D)."""
    if weights not in _SCORES:
        resj, wjm, jm = 0.0, -1.0, 0
        for j, letter in enumerate(weights or "D"):
            w = _WEIGHTS[letter]
            resj = _f32(resj + _f32(w / ((j + 1) * (j + 1))))
            if w > wjm:
                wjm, jm = w, j
        share = _f32(_f32(wjm + resj) - _f32(wjm / ((jm + 1) * (jm + 1))))
        # Divided in double precision: the C constant is a double.
        _SCORES[weights] = share / 1.64493406685
    return _SCORES[weights]


def ranks(term, language, configs, using="default"):
    """[(rank, bitmap)] from the highest, the practices whose `language` vector matches
    the prefix query `term:*` in any of `configs` (the tsquery search._tsquery builds),
    ranked by ts_rank; None where this store cannot answer (see the module's doc)."""
    prefixes = _prefixes(term, configs, using)
    if not prefixes:
        return None
    rows = SearchLexeme.objects.using(using).filter(language=language).exclude(members=b"")
    rows = rows.filter(_any_prefix(prefixes)).order_by()
    rows = list(rows.values_list("lexeme", "weights", "members")[: MAX_ROWS + 1])
    if len(rows) > MAX_ROWS:
        return None
    return _ranked(prefixes, rows)


def _prefixes(term, configs, using):
    """The query's distinct lexemes, in the order ts_rank takes them (bytewise), or
    None unless each configuration makes the word one lexeme or none (a stop word)."""
    with connections[using].cursor() as cursor:
        select = ", ".join("tsvector_to_array(to_tsvector(%s::regconfig, %s))" for _ in configs)
        cursor.execute(f"SELECT {select}", [p for c in configs for p in (c, term)])
        found = cursor.fetchone()
    if any(len(lexemes) > 1 for lexemes in found):
        return None
    return sorted({lexeme for lexemes in found for lexeme in lexemes}, key=str.encode)


def _any_prefix(prefixes):
    query = Q()
    for prefix in prefixes:
        query |= Q(lexeme__startswith=prefix)
    return query


def _ranked(prefixes, rows):
    """ts_rank of each practice from the store's rows, as calc_rank_or sums it: for
    each query lexeme, then each vector entry it is a prefix of (bytewise order), add
    the entry's share in double precision and keep a float; divide by the number of
    query lexemes. Practices that summed alike stay together as one bitmap."""
    rows = sorted(rows, key=lambda row: row[0].encode())
    sums = {}  # {sum so far: practices}
    for prefix in prefixes:
        for lexeme, weights, blob in rows:
            if not lexeme.startswith(prefix):
                continue
            share, members = entry_score(weights), from_blob(blob)
            moved = defaultdict(BitMap)
            for total, ids in sums.items():
                hit = ids & members
                moved[total] |= ids - hit
                if hit:
                    moved[_f32(total + share)] |= hit
                    members -= hit
            if members:
                moved[_f32(0.0 + share)] |= members
            sums = {total: ids for total, ids in moved.items() if ids}
    by_rank = defaultdict(BitMap)
    for total, ids in sums.items():
        by_rank[_f32(total / len(prefixes))] |= ids
    return sorted(by_rank.items(), reverse=True, key=lambda pair: pair[0])


# --- The write side -----------------------------------------------------------------

# A row's key and practices, from the vectors: the writes' and the rebuild's one source.
_SELECT_ENTRIES = """
    SELECT v.language, e.lexeme, array_to_string(e.weights, ''), array_agg(v.practice_id)
    FROM practices_practicevector v CROSS JOIN LATERAL unnest(v.vector) e
    {where}
    GROUP BY 1, 2, 3
"""
_ENTRIES = _SELECT_ENTRIES.format(where="WHERE v.practice_id = ANY(%s)")


def entries(practice_ids):
    """{(language, lexeme, weights): bitmap} of these practices' vectors as they are."""
    with connection.cursor() as cursor:
        cursor.execute(_ENTRIES, [list(practice_ids)])
        return {(lang, lex, w): BitMap(ids) for lang, lex, w, ids in cursor.fetchall()}


def lock(practice_ids):
    """Hold these practices until the transaction ends, so that two writes of one
    practice's vectors read its entries one after the other. FOR NO KEY UPDATE: rows
    that only refer to a practice (its facet keys, say) can still be written."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_PRACTICES, [sorted(practice_ids)])


_LOCK_PRACTICES = (
    "SELECT id FROM practices_practice WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE"
)


def write(practice_ids, before, after):
    """The practices `practice_ids` held the entries `before` and now hold `after`
    (both from entries()): move them between the rows of the entries that changed."""
    gone = BitMap(practice_ids)
    keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if not keys:
        return
    columns = [list(column) for column in zip(*keys, strict=True)]
    with transaction.atomic(), connection.cursor() as cursor:
        # Missing rows first, then every row locked in key order: two writers adding
        # to one new lexeme meet at its unique index, never in a deadlock.
        cursor.execute(_INSERT_MISSING, columns)
        cursor.execute(_LOCK, columns)
        changed = []
        for pk, language, lexeme, weights, blob in cursor.fetchall():
            members = (from_blob(blob) - gone) | after.get((language, lexeme, weights), BitMap())
            # Emptied: b"", which a search skips without deserialising it.
            changed.append((members.serialize() if members else b"", pk))
        cursor.executemany(_UPDATE, changed)


_INSERT_MISSING = """
    INSERT INTO practices_searchlexeme (language, lexeme, weights, members)
    SELECT k.language, k.lexeme, k.weights, ''::bytea
    FROM unnest(%s::text[], %s::text[], %s::text[]) AS k(language, lexeme, weights)
    ORDER BY 1, 2, 3
    ON CONFLICT (language, lexeme, weights) DO NOTHING
"""
_LOCK = """
    SELECT s.id, s.language, s.lexeme, s.weights, s.members
    FROM practices_searchlexeme s
    JOIN unnest(%s::text[], %s::text[], %s::text[]) AS k(language, lexeme, weights)
    ON (s.language, s.lexeme, s.weights) = (k.language, k.lexeme, k.weights)
    ORDER BY s.language, s.lexeme, s.weights
    FOR UPDATE OF s
"""
_UPDATE = "UPDATE practices_searchlexeme SET members = %s WHERE id = %s"


def forget(practice_ids):
    """These practices are about to be deleted: take them out of their rows (their
    vectors go by cascade, which the store would not notice)."""
    if connection.vendor != "postgresql":
        return
    ids = sorted({int(pk) for pk in practice_ids if pk is not None})
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            # The practices first, as a refresh does: taking the rows first, a delete
            # and a refresh of one practice would each wait for what the other holds.
            lock(chunk)
            write(chunk, entries(chunk), {})


_REBUILD = _SELECT_ENTRIES.format(where="")


def rebuild():
    """Every row from the vectors (bulk writers): one grouped pass over their entries."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic():
        SearchLexeme.objects.all()._raw_delete(SearchLexeme.objects.db)
        # A server-side cursor: at a million practices the groups hold 130 million ids.
        with connection.chunked_cursor() as read, connection.cursor() as write_:
            read.execute(_REBUILD)
            while batch := read.fetchmany(5000):
                write_.executemany(
                    "INSERT INTO practices_searchlexeme (language, lexeme, weights, members)"
                    " VALUES (%s, %s, %s, %s)",
                    [(lang, lex, w, BitMap(ids).serialize()) for lang, lex, w, ids in batch],
                )


def ensure_search_lexemes(using="default", **kwargs):
    """After migrate: a PostgreSQL database with vectors but no lexeme rows (made before
    this store, migration 0026) gets them built."""
    from .search_store import PracticeVector

    if using != "default" or connection.vendor != "postgresql":
        return
    if PracticeVector.objects.exists() and not SearchLexeme.objects.exists():
        rebuild()
