"""The facet index: every facet's counts without scanning the practices' link tables.

Why: the browser counts eleven facets on every page, disjunctively (each facet over the
practices matching every *other* filter). Counting each from its own table (themes'
links, tags, a UNION of lead and partner organisations...) was eleven GROUP BYs over
whole tables: 1.6 s at 100,000 practices on the unfiltered page.

What, kept by the write path in the writer's transaction:
- FacetKey: one narrow row per (practice, facet value), carrying the practice's kind
  and published flag. The counts of every facet over any set of practices are then
  ONE GROUP BY of this table, read by its (practice, facet, value) index.
- FacetCount: per (value, kind, published), how many practices hold the value. The
  browser's starting page, and any facet whose only other filter is the kind, sum a
  few of these rows instead of reading any practice: exact, and cheap at any size.
- FacetValue: what a key's value is called (slug and label), so that a rename touches
  one row, never the keys.

Cost: about 13 key rows per practice, and a refresh of a practice's keys (a few
statements per facet) on every write that changes what it is counted under. Bulk
writers (loader, seeder) call rebuild() once instead. Counts are exact: a test
compares them with counting each facet from its own tables.
"""

from django.db import connection, connections, router, transaction

from . import facet_bitmaps
from . import facets as registry
from .facet_store import FacetCount, FacetKey, FacetValue
from .models import Practice

# Below SQLite's limit of 32,766 parameters per statement, with room to spare.
CHUNK = 2000


def _q(name):
    return connection.ops.quote_name(name)


KEY_TABLE = FacetKey._meta.db_table
COUNT_TABLE = FacetCount._meta.db_table
VALUE_TABLE = FacetValue._meta.db_table


def counted_facets():
    return [facet for facet in registry.all_facets() if facet.keys]


# ----- writing ----------------------------------------------------------------------


def _name_values(facet, refs=None):
    """FacetValue rows for `refs` (every value the vocabulary has, if None): missing ones
    created, renamed ones relabelled."""
    rows = facet.vocabulary(refs)
    existing = FacetValue.objects.filter(facet=facet.param).defer("members", "draft_members")
    if refs is not None:
        existing = existing.filter(ref__in=[ref for ref, _v, _l in rows])
    known = {v.ref: v for v in existing}
    new, renamed = [], []
    for ref, value, label in rows:
        row = known.get(ref)
        if row is None:
            new.append(FacetValue(facet=facet.param, ref=ref, value=value, label=label[:300]))
        elif (row.value, row.label) != (value, label[:300]):
            row.value, row.label = value, label[:300]
            renamed.append(row)
    FacetValue.objects.bulk_create(new, batch_size=CHUNK)
    FacetValue.objects.bulk_update(renamed, ["value", "label"], batch_size=CHUNK)


def _write_keys(facet, ids):
    """INSERT ... SELECT the facet's keys of the practices in `ids` (None: all)."""
    pairs_sql, params = facet.keys(ids).query.sql_with_params()
    practice = Practice._meta.db_table
    # Only quoted identifiers and ORM-compiled SQL are interpolated; values are params.
    sql = (
        f"INSERT INTO {_q(KEY_TABLE)} ({_q('practice_id')}, {_q('value_id')}, {_q('facet')}, "  # noqa: S608
        f"{_q('kind')}, {_q('published')}) "
        f"SELECT k.{_q('pid')}, v.{_q('id')}, v.{_q('facet')}, p.{_q('kind')}, "
        f"p.{_q('is_published')} FROM ({pairs_sql}) k "
        f"INNER JOIN {_q(VALUE_TABLE)} v ON v.{_q('facet')} = %s AND v.{_q('ref')} = k.{_q('ref')} "
        f"INNER JOIN {_q(practice)} p ON p.{_q('id')} = k.{_q('pid')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, facet.param))


def _add_counts(where_sql, params, sign):
    """Add (sign=1) or take away (sign=-1) the keys selected by `where_sql` from the
    stored counts: one INSERT ... ON CONFLICT DO UPDATE (SQLite and PostgreSQL)."""
    sql = (
        f"INSERT INTO {_q(COUNT_TABLE)} "  # noqa: S608
        f"({_q('value_id')}, {_q('kind')}, {_q('published')}, {_q('n')}) "
        f"SELECT {_q('value_id')}, {_q('kind')}, {_q('published')}, %s * COUNT(*) "
        f"FROM {_q(KEY_TABLE)} WHERE {where_sql} "
        f"GROUP BY {_q('value_id')}, {_q('kind')}, {_q('published')} "
        # Rows locked in one order by every writer: two edits cannot deadlock here.
        f"ORDER BY {_q('value_id')}, {_q('kind')}, {_q('published')} "
        f"ON CONFLICT ({_q('value_id')}, {_q('kind')}, {_q('published')}) "
        f"DO UPDATE SET {_q('n')} = {_q(COUNT_TABLE)}.{_q('n')} + excluded.{_q('n')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (sign, *params))


def refresh(practice_ids):
    """Rewrite the keys of these practices (deleted ones lose theirs) and move the stored
    counts by the difference. A few statements per facet, per 2,000 practices."""
    ids = sorted({int(pk) for pk in practice_ids if pk is not None})
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            held = facet_bitmaps.held_by(chunk)
            where = f"{_q('practice_id')} IN ({_in(chunk)})"
            _add_counts(where, chunk, -1)
            FacetKey.objects.filter(practice_id__in=chunk)._raw_delete(FacetKey.objects.db)
            subset = Practice.objects.filter(pk__in=chunk).values("pk")
            for facet in counted_facets():
                refs = {ref for _pid, ref in facet.keys(subset)}
                missing = refs - set(
                    FacetValue.objects.filter(facet=facet.param, ref__in=refs).values_list(
                        "ref", flat=True
                    )
                )
                if missing:
                    _name_values(facet, missing)
                _write_keys(facet, subset)
            _add_counts(where, chunk, 1)
            facet_bitmaps.patch(chunk, held)


def rename(facet_param, refs):
    """A record a facet counts was renamed (or its slug changed): relabel, keys stay."""
    facet = registry.get(facet_param)
    if facet and facet.vocabulary:
        _name_values(facet, {str(ref) for ref in refs})


def rebuild():
    """Every key and count from scratch, in set-based statements (bulk writers)."""
    with transaction.atomic():
        FacetCount.objects.all()._raw_delete(FacetCount.objects.db)
        FacetKey.objects.all()._raw_delete(FacetKey.objects.db)
        for facet in counted_facets():
            _name_values(facet)
            _write_keys(facet, None)
        _add_counts("1 = 1", (), 1)
        facet_bitmaps.rebuild()


# ----- reading ----------------------------------------------------------------------


def _reading():
    """The connection the router reads the index from: a replica for an anonymous page,
    the primary once the request has written (its own keys, not yet replicated)."""
    return connections[router.db_for_read(FacetKey)]


def _rows(sql, params):
    found = {}
    with _reading().cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, label, n in cursor.fetchall():
            found.setdefault(facet, []).append((value, label, int(n)))
    return found


def _in(values):
    return ", ".join(["%s"] * len(values))


def counts_over(ids, params, *, kinds=None, any_kind=()):
    """{facet: [(value, label, count)]} of the facets `params` over the practices of the
    subquery `ids`: one GROUP BY over their keys. With `kinds`, `ids` is the set before
    the kind filter: the facets in `any_kind` (the kind facet itself) count every key,
    the others only the keys of those kinds. The keys carry the kind, so the kind facet
    needs no set of its own."""
    ids_sql, ids_params = ids.query.sql_with_params()
    if kinds is None:
        narrowed, kind_params = "COUNT(*)", ()
    else:
        narrowed = f"SUM(CASE WHEN {_q('kind')} IN ({_in(kinds)}) THEN 1 ELSE 0 END)"
        kind_params = tuple(kinds)
    sql = (
        f"SELECT v.{_q('facet')}, v.{_q('value')}, v.{_q('label')}, c.n, c.total FROM ("  # noqa: S608
        f"SELECT {_q('value_id')}, {narrowed} AS n, COUNT(*) AS total FROM {_q(KEY_TABLE)} "
        f"WHERE {_q('practice_id')} IN ({ids_sql}) AND {_q('facet')} IN ({_in(params)}) "
        f"GROUP BY {_q('value_id')}) c "
        f"INNER JOIN {_q(VALUE_TABLE)} v ON v.{_q('id')} = c.{_q('value_id')}"
    )
    found = {}
    with _reading().cursor() as cursor:
        cursor.execute(sql, (*kind_params, *ids_params, *params))
        for facet, value, label, n, total in cursor.fetchall():
            n = total if facet in any_kind else n
            if n:
                found.setdefault(facet, []).append((value, label, int(n)))
    return found


def stored_counts(params, *, kinds, published):
    """The same, over every practice of these kinds (None: any) and published states,
    summed from the stored counts without reading a practice."""
    where = [f"v.{_q('facet')} IN ({_in(params)})", f"c.{_q('published')} IN ({_in(published)})"]
    args = [*params, *published]
    if kinds is not None:
        where.append(f"c.{_q('kind')} IN ({_in(kinds)})")
        args += kinds
    sql = (
        f"SELECT v.{_q('facet')}, v.{_q('value')}, v.{_q('label')}, SUM(c.{_q('n')}) "  # noqa: S608
        f"FROM {_q(COUNT_TABLE)} c "
        f"INNER JOIN {_q(VALUE_TABLE)} v ON v.{_q('id')} = c.{_q('value_id')} "
        f"WHERE {' AND '.join(where)} "
        f"GROUP BY v.{_q('id')}, v.{_q('facet')}, v.{_q('value')}, v.{_q('label')} "
        f"HAVING SUM(c.{_q('n')}) > 0"
    )
    return _rows(sql, args)


def forget(practice_ids):
    """Take these practices' keys out of the counts, and delete them (before a delete:
    the cascade would drop the keys without the counts noticing)."""
    ids = sorted({int(pk) for pk in practice_ids if pk is not None})
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            held = facet_bitmaps.held_by(chunk)
            _add_counts(f"{_q('practice_id')} IN ({_in(chunk)})", chunk, -1)
            FacetKey.objects.filter(practice_id__in=chunk)._raw_delete(FacetKey.objects.db)
            facet_bitmaps.patch(chunk, held)


def holders(facet_param, ref):
    """Ids of the practices counted under one value (those a delete of it touches)."""
    keys = FacetKey.objects.filter(facet=facet_param, value__facet=facet_param, value__ref=ref)
    return list(keys.values_list("practice_id", flat=True))


def ensure_facet_index(using="default", **kwargs):
    """After migrate: a database with practices but no index (made before the index
    existed, or restored from a dump without it) gets one built; one whose keys predate
    the bitmaps (migration 0020) gets its bitmaps."""
    if using != "default":
        return
    if Practice.objects.using(using).exists() and not FacetKey.objects.using(using).exists():
        rebuild()
    elif FacetKey.objects.exists() and not FacetValue.objects.exclude(members=b"").exists():
        with transaction.atomic():
            facet_bitmaps.rebuild()
