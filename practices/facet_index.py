"""The facet index: every facet's counts without scanning the practices' link tables.

Why: the browser counts eleven facets on every page, disjunctively (each facet over the
practices matching every *other* filter). Counting each from its own table (themes'
links, tags, a UNION of lead and partner organisations...) was eleven GROUP BYs over
whole tables: 1.6 s at 100,000 practices on the unfiltered page.

What, kept by the write path in the writer's transaction:
- FacetKey: one narrow row per (practice, facet value), with the practice's published
  flag: what each practice is counted under, found by practice.
- FacetValue: what a key's value is called (slug and label), so that a rename touches
  one row, never the keys; and which practices hold it, as bitmaps (facet_bitmaps.py),
  from which the browser counts.

Cost: about 13 key rows per practice, and a refresh of a practice's keys (a few
statements per facet) and of its values' bitmaps on every write that changes what it
is counted under. Bulk writers (loader, seeder) call rebuild() once instead. Counts
are exact: a test compares them with counting each facet from its own tables.
"""

from django.db import connection, transaction

from . import facet_bitmaps
from . import facets as registry
from .facet_store import FacetKey, FacetValue, new_revision
from .models import Practice

# Below SQLite's limit of 32,766 parameters per statement, with room to spare.
CHUNK = 2000


def _q(name):
    return connection.ops.quote_name(name)


KEY_TABLE = FacetKey._meta.db_table
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
            row.value, row.label, row.revision = value, label[:300], new_revision()
            renamed.append(row)
    FacetValue.objects.bulk_create(new, batch_size=CHUNK)
    FacetValue.objects.bulk_update(renamed, ["value", "label", "revision"], batch_size=CHUNK)


def _write_keys(facet, ids):
    """INSERT ... SELECT the facet's keys of the practices in `ids` (None: all)."""
    pairs_sql, params = facet.keys(ids).query.sql_with_params()
    practice = Practice._meta.db_table
    # Only quoted identifiers and ORM-compiled SQL are interpolated; values are params.
    sql = (
        f"INSERT INTO {_q(KEY_TABLE)} ({_q('practice_id')}, {_q('value_id')}, {_q('facet')}, "  # noqa: S608
        f"{_q('published')}) "
        f"SELECT k.{_q('pid')}, v.{_q('id')}, v.{_q('facet')}, p.{_q('is_published')} "
        f"FROM ({pairs_sql}) k "
        f"INNER JOIN {_q(VALUE_TABLE)} v ON v.{_q('facet')} = %s AND v.{_q('ref')} = k.{_q('ref')} "
        f"INNER JOIN {_q(practice)} p ON p.{_q('id')} = k.{_q('pid')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, facet.param))


def refresh(practice_ids):
    """Rewrite the keys of these practices (deleted ones lose theirs) and move them in
    their values' bitmaps. A few statements per facet, per 2,000 practices."""
    ids = sorted({int(pk) for pk in practice_ids if pk is not None})
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            held = facet_bitmaps.held_by(chunk)
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
            facet_bitmaps.patch(chunk, held)


def rename(facet_param, refs):
    """A record a facet counts was renamed (or its slug changed): relabel, keys stay."""
    facet = registry.get(facet_param)
    if facet and facet.vocabulary:
        _name_values(facet, {str(ref) for ref in refs})


def rebuild():
    """Every key and bitmap from scratch, in set-based statements (bulk writers)."""
    with transaction.atomic():
        FacetKey.objects.all()._raw_delete(FacetKey.objects.db)
        for facet in counted_facets():
            _name_values(facet)
            _write_keys(facet, None)
        facet_bitmaps.rebuild()


def forget(practice_ids):
    """Take these practices out of their values' bitmaps, and delete their keys (before
    a delete: the cascade would drop the keys without the bitmaps noticing)."""
    ids = sorted({int(pk) for pk in practice_ids if pk is not None})
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            held = facet_bitmaps.held_by(chunk)
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
