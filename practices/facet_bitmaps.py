"""Each facet value's practices as a compressed bitmap, and the counts read from them.

Why: a filtered page counts every facet over the practices matching the other filters.
As a GROUP BY over the facet keys, that read every key of every matching practice
(166,000 for one broad theme at 100,000 practices, 365,000 for a one-word search):
110-230 ms on SQLite, with no hash aggregate to help. Here each value's practice ids
are a roaring bitmap stored on its FacetValue row (2 MB for all 10,000 values at
100,000 practices). A page reads them in one query (about 10 ms), deserialises them
(about 25 ms), builds each filter's set by union, and counts a value over a set with
one intersection_cardinality: about 3 ms for every value of every facet.

Cost: a write re-serialises the bitmaps of the values its practices left or joined,
under a row lock (SELECT ... FOR UPDATE, in id order), so two writers cannot lose each
other's ids, and draws each a new revision, by which workers catch up (catch_up). The
bitmaps follow the keys: facet_index.py calls patch() after it rewrites a practice's
keys, and rebuild() after a bulk rebuild; a test compares every value's bitmap with
its keys after edits.

pyroaring (Roaring bitmaps, also behind Lucene, Druid and ClickHouse): one well-kept C
library with wheels for every platform we run; plain Python sets of ids cost 100+ MB
per worker at 100,000 practices and are 50x slower to intersect.
"""

import json
from collections import defaultdict
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import BinaryField, Case, F, Func, IntegerField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from pyroaring import BitMap

from sources.versioning import current_for_request

from .facet_store import FacetKey, FacetValue, new_revision

# Rows per UPDATE: each carries two blobs, a few KB for most values.
BATCH = 500


def from_blob(blob):
    return BitMap.deserialize(bytes(blob)) if blob else BitMap()


def _save(rows):
    for row in rows:
        row.revision = new_revision()
    FacetValue.objects.bulk_update(rows, ["members", "draft_members", "revision"], batch_size=BATCH)


def patch(practice_ids, held_before):
    """The practices `practice_ids` have new keys (none, if deleted): the values in
    `held_before` lose them, and the values their keys name now gain them."""
    gone = BitMap(practice_ids)
    gained = defaultdict(lambda: ([], []))
    keys = FacetKey.objects.filter(practice_id__in=list(gone)).order_by()
    for value_id, practice_id, published in keys.values_list("value_id", "practice", "published"):
        gained[value_id][0 if published else 1].append(practice_id)
    touched = sorted(set(held_before) | set(gained))
    with transaction.atomic():
        rows = list(
            FacetValue.objects.select_for_update()
            .filter(pk__in=touched)
            .order_by("pk")
            .only("pk", "members", "draft_members")
        )
        moved = []
        for row in rows:
            before = from_blob(row.members), from_blob(row.draft_members)
            published, drafts = before[0] - gone, before[1] - gone
            published.update(gained[row.pk][0])
            drafts.update(gained[row.pk][1])
            # A save that changes nothing counted (a summary edited) writes no value:
            # workers then have nothing to read again (catch_up).
            if (published, drafts) != before:
                row.members, row.draft_members = published.serialize(), drafts.serialize()
                moved.append(row)
        _save(moved)


def rebuild():
    """Every value's bitmaps from the keys: one pass over them in value order."""
    members = defaultdict(lambda: (BitMap(), BitMap()))
    keys = FacetKey.objects.order_by().values_list("value_id", "practice", "published")
    for value_id, practice_id, published in keys.iterator(chunk_size=20_000):
        members[value_id][0 if published else 1].add(practice_id)
    rows = []
    for row in FacetValue.objects.only("pk").order_by("pk").iterator(chunk_size=BATCH):
        published, drafts = members.pop(row.pk, (BitMap(), BitMap()))
        row.members, row.draft_members = published.serialize(), drafts.serialize()
        rows.append(row)
        if len(rows) == BATCH:
            _save(rows)
            rows = []
    _save(rows)


def held_by(practice_ids):
    """The values these practices are counted under now (before their keys change)."""
    keys = FacetKey.objects.filter(practice_id__in=list(practice_ids)).order_by()
    return set(keys.values_list("value_id", flat=True).distinct())


# {(states, facets): Held}: each worker reads the bitmaps once (about 35 ms at 100,000
# practices, 2 MB held; 0.4 s at a million) and counts every later page from memory.
# Only the counts are per request. A write moves the content token on, and the next
# page re-reads only the values whose revision moved (catch_up). One entry per kind of
# reader (visitors; curators, who see drafts).
_held = {}

# Past this many changed values (a reload, a rebuild), catching up reads them all anew.
CATCH_UP_LIMIT = 2000


@dataclass(frozen=True)
class Held:
    token: str
    index: dict  # {facet: {value: (label, bitmap)}}
    revisions: dict  # {value id: revision}
    names: dict  # {value id: (facet, value)}


def index(params, states):
    """{facet: {value: (label, bitmap)}} as load() gives it, for this content version."""
    token, _changed = current_for_request()
    key = (states, tuple(params))
    held = _held.get(key)
    if held is None:
        held = _held[key] = _read(params, states, token)
    elif held.token != token:
        held = _held[key] = catch_up(held, params, states, token)
    return held.index


def forget():
    """Drop what this worker holds (tests that write past the signals; benchmarks)."""
    _held.clear()


def load(params, states):
    """{facet: {value: (label, bitmap)}} of these facets, over the practices of the
    published states the reader may see (states: (True,) or (True, False))."""
    return _read(params, states, None).index


def _value_rows(params, states, ids=None):
    """(id, revision, facet, value, label, bitmap) of these facets' values (only those
    with these `ids`, if given)."""
    reading = connections[router.db_for_read(FacetValue)]
    q = reading.ops.quote_name
    drafts = q("draft_members") if False in states else "NULL"
    marks = ", ".join(["%s"] * len(params))
    only = f" AND {q('id')} IN ({', '.join(['%s'] * len(ids))})" if ids else ""
    # Only quoted identifiers and placeholders are interpolated; the values are params.
    sql = (
        f"SELECT {q('id')}, {q('revision')}, {q('facet')}, {q('value')}, {q('label')}, "  # noqa: S608
        f"{q('members')}, {drafts} FROM {q(FacetValue._meta.db_table)} "
        f"WHERE {q('facet')} IN ({marks}){only}"
    )
    if ids is not None and not ids:
        return
    with reading.cursor() as cursor:
        cursor.execute(sql, [*params, *(ids or ())])
        for pk, revision, facet, value, label, published, drafts in cursor.fetchall():
            members = from_blob(published)
            if drafts:
                members |= from_blob(drafts)
            yield pk, revision, facet, value, label, members


def _read(params, states, token):
    return _held_with(Held(token, defaultdict(dict), {}, {}), _value_rows(params, states))


def _held_with(held, rows):
    """`held` (its dicts, not copies) with these value rows put in."""
    for pk, revision, facet, value, label, members in rows:
        held.index[facet][value] = (label, members)
        held.revisions[pk] = revision
        held.names[pk] = (facet, value)
    return held


def catch_up(held, params, states, token):
    """`held` brought to the current values: those whose revision moved (or that are
    new) read again, those gone dropped; the rest kept. One write changes the rows of
    a few dozen values, so a worker re-reads those, not all 10,000 (at 100,000
    practices, 30 ms a page right after any edit; 0.4 s at a million).

    Consistent as one read would be: the revisions are listed first, then the changed
    rows read with theirs; a write committed between the two shows as a changed row
    whose revision differs from the list's (or that is gone), and then everything is
    read anew. Not mutated in place: a request on another thread may be counting
    from it."""
    reading = connections[router.db_for_read(FacetValue)]
    listed = FacetValue.objects.using(reading.alias).filter(facet__in=list(params))
    now = dict(rows(listed.order_by().values_list("pk", "revision")))
    moved = [pk for pk, _revision in now.items() - held.revisions.items()]
    if len(moved) > CATCH_UP_LIMIT:
        return _read(params, states, token)
    fresh = list(_value_rows(params, states, moved))
    if len(fresh) != len(moved) or any(now[pk] != revision for pk, revision, *_ in fresh):
        return _read(params, states, token)
    index = defaultdict(dict, {facet: dict(values) for facet, values in held.index.items()})
    revisions, names = dict(held.revisions), dict(held.names)
    for pk in (held.revisions.keys() - now.keys()).union(moved):
        revisions.pop(pk, None)
        if pk in names:
            facet, value = names.pop(pk)
            index[facet].pop(value, None)
    return _held_with(Held(token, index, revisions, names), fresh)


def rows(queryset):
    """The tuples a values_list() `queryset` selects, read through a plain cursor: the
    ORM's per-row work doubled the time of a one-word search's 27,000 ids."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def ids(queryset, field="pk"):
    """A bitmap of the ids (`field`) `queryset` selects."""
    sql, params = queryset.order_by().values_list(field).query.sql_with_params()
    return bitmap_of(connections[queryset.db], sql, params)


def bitmap_of(connection, sql, params):
    """A bitmap of the one column of ids the query `sql` selects, gathered into one
    value by the database: an array (PostgreSQL) or a JSON array (SQLite), which the
    driver reads at once. A one-word search's 28,000 ids took 13 ms as rows on SQLite
    and 7 as one JSON array; 100,000 ids on PostgreSQL 47 ms as rows, 37 as an array."""
    if connection.vendor == "postgresql":
        gathered = "SELECT array_agg(s.id) FROM s"
    else:
        gathered = "SELECT json_group_array(s.id) FROM s"
    with connection.cursor() as cursor:
        # Only ORM-compiled or constant SQL is interpolated; values are params.
        cursor.execute(f"WITH s(id) AS ({sql}) {gathered}", params)
        (found,) = cursor.fetchone()
    if connection.vendor != "postgresql":
        found = json.loads(found)
    return BitMap(found or ())


def intersection(sets):
    """The practices in every one of `sets` (None: no set, so every practice), laid out
    for counting. Roaring stores a dense set as runs and a sparse one as sorted arrays;
    counting a small value against 2,000 runs walks them all (1.7 us a value, 17 ms a
    page at 100,000 practices). As plain bit arrays, each count is a few word lookups:
    12x faster, for 0.5 ms spent here."""
    if not sets:
        return None
    found = BitMap.intersection(*sets)
    return BitMap(found.to_array(), optimize=False)


# A walk reads at most this many index entries before leaving the page to SQL.
WALK_LIMIT = 20_000


def walk(ordered, within, bottom, top):
    """Ids bottom..top of the set `within`, in the order of `ordered` (every practice's
    id, in an order an index gives), read in growing slices and kept if in the set;
    None if that would read more than WALK_LIMIT entries (a narrow set, a deep page)."""
    spread = (within.max() + 1) / len(within) if within else WALK_LIMIT
    size = int(top * spread * 1.2) + 50
    if size > WALK_LIMIT:
        return None
    found, seen, start = [], 0, 0
    while start < WALK_LIMIT:
        # A slice, not one open cursor: psycopg would fetch every practice's id at once.
        read = rows(ordered[start : start + size])
        for (pk,) in read:
            if pk in within:
                if seen >= bottom:
                    found.append(pk)
                seen += 1
                if seen == top:
                    return found
        if len(read) < size:
            return found
        start, size = start + size, size * 2
    return None


# Up to this share of the practices, a query of ids looks among the candidates alone
# (by primary key) rather than through its own filters' index. A search's matches are
# 28 % of all practices: PostgreSQL visits each on the heap (80 ms at 100,000) or, at a
# million, scans every row's vector (4.6 s); looking among the 24,000 that three facets
# leave took 0.8 s there, and among 2,700 at 100,000, 22 ms.
CANDIDATES_SHARE = 0.25


def candidates(sets, index):
    """The union of `sets` (each a bitmap, or None for every practice) when it is at
    most CANDIDATES_SHARE of the practices in `index` (every practice has one kind, so
    the kind values' members count them all); None when it is not worth naming."""
    if None in sets:
        return None
    found = union_of(sets)
    everyone = sum(len(members) for _label, members in index.get("kind", {}).values())
    return found if len(found) <= CANDIDATES_SHARE * everyone else None


# Up to this many ids, `among` lists them and the database probes an index once per id.
PROBED = 5000


def among(queryset, candidates, field="pk"):
    """`queryset` narrowed to the rows whose `field` is in the bitmap `candidates`: one
    parameter, never thousands of them. A few thousand ids go as a list (an array on
    PostgreSQL, JSON on SQLite) that the database probes its index with. PostgreSQL
    tests more as bits of one bytea: a list of 27,000 ids took 30 ms to plan and
    97,000 probes took 300 ms, where the bits (12 kB at 100,000 practices) cost 4 ms to
    build and nothing to test beside the query's own index scan."""
    if connections[queryset.db].vendor != "postgresql":
        listed = RawSQL("SELECT value FROM json_each(%s)", (json.dumps(list(candidates)),))
    elif len(candidates) <= PROBED:
        listed = RawSQL("SELECT unnest(%s::bigint[])", (list(candidates),))
    else:
        return queryset.alias(in_candidates=_in_bits(field, candidates)).filter(in_candidates=1)
    return queryset.filter(**{f"{field}__in": listed})


def _in_bits(field, candidates):
    bits = bytearray((candidates.max() >> 3) + 1)
    for i in candidates:
        bits[i >> 3] |= 1 << (i & 7)
    # get_bit(bytes, n) reads bit n % 8 of byte n / 8, low bit first; past the end it
    # raises, so larger ids are out by the CASE, not by the bits.
    bit = Func(
        Value(bytes(bits), output_field=BinaryField()),
        Cast(F(field), IntegerField()),
        function="get_bit",
        output_field=IntegerField(),
    )
    return Case(When(**{f"{field}__lt": len(bits) * 8}, then=bit), default=Value(0))


def union_of(sets):
    return BitMap.union(BitMap(), *sets)


def union(index, facet, values):
    """The practices holding any of `values` of `facet`."""
    return union_of(index[facet][v][1] for v in values if v in index[facet])


def counted(index, facets, within):
    """{facet: [(value, label, count)]} of these facets over the set `within` (None:
    every practice the index was loaded for)."""
    found = {}
    for facet in facets:
        rows = []
        for value, (label, members) in index.get(facet, {}).items():
            n = len(members) if within is None else members.intersection_cardinality(within)
            if n:
                rows.append((value, label, n))
        if rows:
            found[facet] = rows
    return found
