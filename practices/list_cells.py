"""Keep the export's stored list cells (cell_store.ListCells) in step with every write
that changes one, inside the writer's transaction: an export read right after an edit
is never stale. Bulk writers (loader, seeder) call rebuild() once instead.

Each cell is made by its own column's SQL (exports.PRACTICE_COLUMNS: what a list holds,
in which order), one language at a time: on SQLite an ordered subquery per practice and
list (export_sql.Joined), on PostgreSQL one GROUP BY per related table (Related.grouped),
whose correlated subqueries run once a row in its leader process. What a cell depends on
is FOLLOWED below: the records a practice reaches by each path.
"""

import json

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, FilteredRelation, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import translation

from portal.export_sql import Joined, Related
from portal.translated import active_language
from sources.versioning import in_bulk_write

from .cell_store import ListCells
from .exports import PRACTICE_COLUMNS
from .models import Practice
from .touched import link_paths, linked_practices, touched

LIST_COLUMNS = [column for column in PRACTICE_COLUMNS if isinstance(column.sql, Related)]
LANGUAGES = [code for code, _name in settings.LANGUAGES]
CHUNK = 2_000
# The records a list cell shows something of, as paths from a practice: a save or
# delete of one rewrites the cells of the practices it reaches (and, for the rows that
# point at a practice, those it reached before the save: a citation moved elsewhere).
FOLLOWED = (
    "themes",
    "target_groups",
    "funding_sources",
    "partners",
    "contacts",
    "tags",
    "tagged_items",
    "illustrations",
    "illustrations__factor",
    "citations",
    "citations__document",
)


def attach(queryset):
    """(queryset joined to its practices' cells in the active language, {column name:
    its stored cell}) for export_rows. A practice with no row (one made since the last
    rebuild with no lists) reads as empty lists."""
    row = FilteredRelation("list_cells", condition=Q(list_cells__language=active_language()))
    stored = {c.name: F(f"stored_lists__{c.name}") for c in LIST_COLUMNS}
    return queryset.alias(stored_lists=row), stored


def rebuild():
    """Every practice's cells from scratch, in set-based statements (bulk writers)."""
    with transaction.atomic():
        ListCells.objects.all()._raw_delete(ListCells.objects.db)
        for language in LANGUAGES:
            _insert(None, language)


def refresh(practice_ids):
    """Rewrite these practices' cells (deleted ones keep none): per 2,000 practices, a
    delete and one statement per language.

    Two writers never rewrite one practice's cells at once: every content write bumps
    the content version (sources/versioning.py) before these receivers run, and that
    row's lock holds the second writer until the first commits. Its statements then
    see, delete and rewrite what the first wrote (a test has two curators try)."""
    ids = sorted({int(pk) for pk in practice_ids if pk is not None})
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            ListCells.objects.filter(practice_id__in=chunk)._raw_delete(ListCells.objects.db)
            for language in LANGUAGES:
                _insert(chunk, language)


# The ids a refresh rewrites, as one parameter of statements compiled once per
# language and database: compiling the eleven subqueries took 18 ms a language, so 90
# of a refresh's 100 ms. This stands in for the ids until a statement runs.
IDS = "\x00practice ids\x00"
_statements = {}


def _insert(ids, language):
    sql, params = _statement(language, ids is not None)
    if ids is not None:
        given = ids if connection.vendor == "postgresql" else json.dumps(ids)
        params = tuple(given if param == IDS else param for param in params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _statement(language, some):
    """(INSERT … SELECT, params) of a language's cells, of every practice or (`some`)
    of those whose ids the parameter IDS stands for."""
    key = (connection.vendor, language, some)
    if key not in _statements:
        q = connection.ops.quote_name
        build = _grouped if connection.vendor == "postgresql" else _joined
        with translation.override(language):
            names, sql, params = build(some, language)
        columns = ", ".join(q(name) for name in names)
        # Only quoted column names and ORM-compiled SQL are interpolated.
        insert = f"INSERT INTO {q(ListCells._meta.db_table)} ({columns}) {sql}"
        _statements[key] = insert, tuple(params)
    return _statements[key]


def _joined(some, language):
    """SQLite: (columns, SELECT, params) of the cells, an ordered subquery a list."""
    cells = {
        f"cell_{c.name}": Joined(c.sql.values(c.sql.fields[c.field : c.field + 1]), between="; ")
        for c in LIST_COLUMNS
    }
    # rewrite(False): modeltranslation's values_list() would add columns of its own.
    rows = Practice.objects.rewrite(False).order_by()
    if some:
        rows = rows.filter(pk__in=RawSQL("SELECT value FROM json_each(%s)", (IDS,)))
    query = rows.annotate(cell_pid=F("pk"), cell_language=Value(language), **cells)
    query = query.values_list("cell_pid", "cell_language", *cells)
    compiler = query.query.get_compiler(query.db)
    sql, params = compiler.as_sql()
    # The ORM picks the SELECT's order: name the INSERT's columns in it.
    names = {"cell_pid": "practice_id", "cell_language": "language"}
    names.update({f"cell_{c.name}": c.name for c in LIST_COLUMNS})
    return [names[alias] for _expr, _sql, alias in compiler.select], sql, params


def _grouped(some, language):
    """PostgreSQL: (columns, SELECT, params) of the cells, a GROUP BY per related table
    for every list it feeds (a theme's names and slugs together), joined to the
    practices."""
    q = connection.ops.quote_name
    practice, pk = q(Practice._meta.db_table), q(Practice._meta.pk.column)
    chosen = ("SELECT unnest(%s::bigint[])", (IDS,)) if some else None
    shown = {}
    for column in LIST_COLUMNS:
        shown.setdefault(id(column.sql), (column.sql, []))[1].append(column)
    joins, params, cells = [], [], {}
    for g, (related, columns) in enumerate(shown.values()):
        picked = sorted({column.field for column in columns})
        grouped, grouped_params = related.grouped([related.fields[f] for f in picked], chosen)
        joins.append(f"LEFT JOIN ({grouped}) g{g} ON g{g}.pid = p.{pk}")
        params += grouped_params
        for column in columns:
            cells[column.name] = f"COALESCE(g{g}.c{picked.index(column.field)}, '')"
    # = ANY, not IN (SELECT unnest(...)): PostgreSQL then reads the practices by their
    # index, where IN merged all 100,000 with the lists (200 ms a refresh).
    where = f" WHERE p.{pk} = ANY(%s::bigint[])" if some else ""
    sql = (
        f"SELECT p.{pk}, %s, {', '.join(cells.values())} "  # noqa: S608
        f"FROM {practice} p {' '.join(joins)}{where}"
    )
    return (
        ["practice_id", "language", *cells],
        sql,
        (language, *params, *(chosen[1] if some else ())),
    )


# The write path.


def _refresh(ids):
    touched(refresh, ids)


def _practices_of(path, pk):
    return set(Practice.objects.filter(**{path: pk}).values_list("pk", flat=True))


def _follower(path):
    # Where a record keeps, from pre_ to post_, the practices it reached before.
    before = f"_list_cells_{path}"

    def before_save(sender, instance, **kwargs):
        if not in_bulk_write() and instance.pk is not None:
            setattr(instance, before, _practices_of(path, instance.pk))

    def saved(sender, instance, **kwargs):
        if not in_bulk_write():
            _refresh(instance.__dict__.pop(before, set()) | _practices_of(path, instance.pk))

    def deleting(sender, instance, **kwargs):
        # Read before the delete: its cascade takes the links that lead to them.
        if not in_bulk_write():
            setattr(instance, before, _practices_of(path, instance.pk))

    def deleted(sender, instance, **kwargs):
        if not in_bulk_write():
            _refresh(instance.__dict__.pop(before, ()))

    return before_save, saved, deleting, deleted


def _links_changed(sender, instance, action, model, pk_set, **kwargs):
    if not in_bulk_write():
        _refresh(linked_practices(sender, instance, action, pk_set, "_list_cells_cleared"))


def _model_at(path):
    model = Practice
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def connect():
    for path in FOLLOWED:
        model = _model_at(path)
        signals = (pre_save, post_save, pre_delete, post_delete)
        for signal, receiver in zip(signals, _follower(path), strict=True):
            uid = f"list-cells-{path}-{id(signal)}"
            # Closures made here: held strongly, or they would be collected.
            signal.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
    followed = set(FOLLOWED)
    for through, path in link_paths().items():
        if path in followed:
            uid = f"list-cells-m2m-{path}"
            m2m_changed.connect(_links_changed, sender=through, dispatch_uid=uid)


def ensure_list_cells(using="default", **kwargs):
    """After migrate: a database with practices but no cells (made before they were
    stored, or restored without them) gets them built."""
    if using == "default" and Practice.objects.exists() and not ListCells.objects.exists():
        rebuild()
