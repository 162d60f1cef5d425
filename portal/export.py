"""Streamed exports of any list, as CSV (RFC 4180, UTF-8) or JSON, from one code path.

A list page describes its export as a queryset and columns; `export_response()` streams
it. Rows are read with `iterator(chunk_size=...)`, whose prefetches run once per chunk,
so the number of queries grows with rows / CHUNK_SIZE and memory stays flat.

Provenance travels in the response headers: the row count (counted before streaming,
so a researcher can check that the file they got is complete), the filters applied, and
the portal version.
"""

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Subquery, TextField
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

CHUNK_SIZE = 500
# Rows formatted and sent together: one write (and one chunk of the response) each.
BATCH_ROWS = 1000
BOM = "\ufeff"
# OWASP "CSV injection": a spreadsheet runs a cell that starts with one of these.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    value: Any  # callable(obj, request) -> str | int | float | list | None
    doc: str = ""


@dataclass(frozen=True)
class SqlColumn:
    """A column read straight from the database: `sql` is an expression on the list's
    queryset, `convert(raw, request)` (if any) turns what the database hands back into
    the cell (a joined list back into a list, a slug into a URL)."""

    name: str
    doc: str
    sql: Any
    convert: Any = None


# Joins a row's related values into one string, before each value: no name holds it,
# and an empty list ("") stays apart from a list of one empty value ("\x1f").
SEPARATOR = "\x1f"


class Joined(Subquery):
    """The values of a one-column ordered subquery (`.values(v=...)`), as one string.

    PostgreSQL: array_to_string(ARRAY(subquery)), which keeps the subquery's order.
    SQLite: group_concat over the ordered subquery, which SQLite does not flatten into
    the aggregate, so the order holds there too (a test checks the order of each)."""

    output_field = TextField()

    def as_sql(self, compiler, connection, template=None, **extra_context):
        sql, params = super().as_sql(compiler, connection, template, **extra_context)
        # Only ORM-compiled SQL is interpolated; the separator and values are params.
        if connection.vendor == "postgresql":
            wrapped = f"COALESCE(array_to_string(ARRAY(SELECT %s || s.v FROM {sql} s), ''), '')"  # noqa: S608
        else:
            wrapped = f"COALESCE((SELECT group_concat(%s || s.v, '') FROM {sql} s), '')"  # noqa: S608
        return wrapped, (SEPARATOR, *params)


# Between the fields of one joined value (a theme's name and slug).
FIELD_SEPARATOR = "\x1e"


def split_joined(raw, field=None):
    """A Joined string back into its list; `field` picks one field of each value."""
    values = raw.split(SEPARATOR)[1:] if raw else []
    if field is None:
        return values
    return [value.split(FIELD_SEPARATOR)[field] for value in values]


_TRIGGERS = frozenset(FORMULA_TRIGGERS)


def neutralise(cell):
    """Make a text cell inert in spreadsheets; leave every other cell as it is."""
    if isinstance(cell, str) and cell[:1] in _TRIGGERS:
        return "'" + cell
    return cell


def csv_cell(value):
    # Text first, and by its exact type: it is most cells of every export, and this
    # runs once a cell (3 million times for 100,000 practices).
    if value.__class__ is str:
        return "'" + value if value[:1] in _TRIGGERS else value
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        # Empty items stay, so that parallel columns (contacts' names, roles) line up.
        value = "; ".join("" if v is None else str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def _rows(queryset, columns, request):
    """Each object's cells, in column order. A list (e.g. a comparison matrix already
    in memory) is iterated as it is."""
    items = queryset.iterator(chunk_size=CHUNK_SIZE) if hasattr(queryset, "iterator") else queryset
    for obj in items:
        yield [column.value(obj, request) for column in columns]


def _batches(rows):
    size = BATCH_ROWS
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _csv_stream(rows, columns, bom, cells_ready=False):
    """The header, then one string per batch of rows: one write per thousand rows keeps
    the per-row cost down to formatting. With cells_ready, each row's cells are already
    csv_cell()'s strings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    yield (BOM if bom else "") + buffer.getvalue()
    for batch in _batches(rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch if cells_ready else [[csv_cell(c) for c in row] for row in batch])
        yield buffer.getvalue()


def _json_stream(rows, columns):
    names = [c.name for c in columns]
    yield "["
    first = True
    for batch in _batches(rows):
        parts = []
        for row in batch:
            record = dict(zip(names, row, strict=True))
            parts.append(
                ("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False, default=str)
            )
            first = False
        yield "".join(parts)
    yield "\n]\n"


def wants_json(request):
    return request.GET.get("format") == "json"


def export_response(
    request, *, queryset, columns, name, filters=None, row_count=None, rows=None, csv_rows=None
):
    """Stream `queryset` as `name-YYYY-MM-DD.csv` (or .json with ?format=json). `rows`
    replaces reading the queryset; `csv_rows`, for the CSV, gives rows of finished cells.

    HEAD gets the same headers, the row count included, without the rows: a client can
    check what an export holds (`curl -I`) without the database building it.
    """
    if row_count is None:
        row_count = queryset.count() if hasattr(queryset, "count") else len(queryset)
    today = timezone.localdate().isoformat()
    if wants_json(request):
        content_type, filename = "application/json; charset=utf-8", f"{name}-{today}.json"
    else:
        content_type, filename = "text/csv; charset=utf-8", f"{name}-{today}.csv"
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
    elif wants_json(request):
        rows = _rows(queryset, columns, request) if rows is None else rows
        response = StreamingHttpResponse(_json_stream(rows, columns), content_type=content_type)
    else:
        ready = csv_rows is not None
        if not ready:
            rows = _rows(queryset, columns, request) if rows is None else rows
        bom = request.GET.get("bom") == "1"
        stream = _csv_stream(csv_rows if ready else rows, columns, bom, cells_ready=ready)
        response = StreamingHttpResponse(stream, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Row-Count"] = str(row_count)
    response["X-Filters"] = urlencode(filters or {}, doseq=True)
    response["X-Portal-Version"] = settings.PORTAL_VERSION
    response["X-Exported-At"] = timezone.now().replace(microsecond=0).isoformat()
    response["Cache-Control"] = "no-store"
    return response


def export_rows(request, *, queryset, columns, name, filters=None):
    """Stream `queryset` with SqlColumns: one statement, read as plain tuples in batches
    (a server-side cursor on PostgreSQL, chunked reads on SQLite), written to CSV (or
    JSON) a batch at a time. Memory holds one batch, whatever the number of rows."""
    # Columns that share one expression (a theme's names and slugs) read it once.
    expressions, position = {}, []
    for column in columns:
        key = id(column.sql)
        if key not in expressions:
            expressions[key] = (f"_export_{len(expressions)}", column.sql)
        position.append(list(expressions).index(key))
    names = [name for name, _sql in expressions.values()]
    rows, selected = _tuples(queryset.annotate(**dict(expressions.values())).values_list(*names))
    # Where each expression sits in the statement's SELECT, which need not be the order
    # they were named in (the ORM puts them in its own order and reorders each row).
    at = {alias: i for i, alias in enumerate(selected)}
    cells = [(at[names[i]], c.convert) for i, c in zip(position, columns, strict=True)]

    def converted():
        for raw in rows:
            yield [convert(raw[i], request) if convert else raw[i] for i, convert in cells]

    # The CSV's cells in one step each, no list of converted values in between: the
    # Python side of a 100,000-row export was half its time.
    finish = [(i, _csv_of(convert, request)) for i, convert in cells]

    def finished():
        for raw in rows:
            yield [cell(raw[i]) for i, cell in finish]

    return export_response(
        request,
        queryset=queryset,
        columns=columns,
        name=name,
        filters=filters,
        rows=None if not wants_json(request) else converted(),
        csv_rows=None if wants_json(request) else finished(),
    )


def _tuples(query):
    """(rows, the names of their columns in SELECT order) of `query`. Rows come as the
    driver hands them over, a batch per fetch, through Django's chunked cursor
    (server-side on PostgreSQL, so memory stays flat). No per-row converters: the
    columns are text and numbers, which both drivers return as they are (SQLite's
    booleans as 0/1, which SqlColumn.convert turns), and skipping the ORM's row
    handling saved a tenth of the export's time."""
    compiler = query.query.get_compiler(query.db)
    sql, params = compiler.as_sql()
    return _fetch(query.db, sql, params), [alias for _expr, _sql, alias in compiler.select]


def _fetch(db, sql, params):
    with connections[db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(BATCH_ROWS):
            yield from batch


def _csv_of(convert, request):
    if convert is None:
        return csv_cell
    return lambda raw: csv_cell(convert(raw, request))


def url_prefix(request, list_url_name):
    """The absolute URL of a list page, worked out once per export rather than per row:
    detail pages live at <list URL><slug>/."""
    cache = request.__dict__.setdefault("_export_url_prefixes", {})
    if list_url_name not in cache:
        cache[list_url_name] = request.build_absolute_uri(reverse(list_url_name))
    return cache[list_url_name]
