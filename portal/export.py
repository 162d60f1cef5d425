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
import time
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .export_sql import (
    FORMULA_TRIGGERS,
    Joined,
    Neutralised,
    Related,
    TrueFalse,
    ordered_statement,
    split_joined,
)

CHUNK_SIZE = 500
# Rows formatted and sent together: one write (and one chunk of the response) each.
BATCH_ROWS = 1000
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    name: str
    value: Any  # callable(obj, request) -> str | int | float | list | None
    doc: str = ""


# What a SqlColumn holds, and so how its cell is finished: the CSV's in SQL (formulas
# neutralised, true/false, the URL), the JSON's in Python (booleans, the URL). A column
# whose sql is a Related holds a list, whatever its cell says: "; "-joined in the CSV,
# a list in the JSON.
TEXT, NUMBER, BOOL, URL = "text", "number", "bool", "url"


@dataclass(frozen=True)
class SqlColumn:
    """A column read straight from the database: `sql` is an expression on the list's
    queryset, or a Related (a list; `field` picks which of its fields); `cell` says
    what any other column holds. A URL column is `base`'s list URL followed by the
    value and a slash (detail pages sit there)."""

    name: str
    doc: str
    sql: Any
    cell: str = TEXT
    field: int = 0
    base: str = ""

    def expression(self, request, finished, stored=None):
        """(key, expression): the raw value, or with `finished` the CSV cell itself (a
        list's from `stored`, {column name: its joined cell}). Equal keys are one
        expression, read once."""
        sql = self.sql
        if isinstance(sql, Related):
            if not finished:
                return id(sql), Joined(sql.values(sql.fields))
            # The whole cell neutralised by its first character, as csv_cell does.
            return id(self), Neutralised(Coalesce(stored[self.name], Value("")))
        if not finished or self.cell == NUMBER:
            return id(self), sql
        if self.cell == BOOL:
            return id(self), TrueFalse(sql)
        if self.cell == URL:
            prefix = Value(url_prefix(request, self.base))
            return id(self), Concat(prefix, sql, Value("/"), output_field=TextField())
        return id(self), Neutralised(sql)

    def converter(self, request):
        """What turns the raw value into the JSON's (None: it is that already)."""
        if isinstance(self.sql, Related):
            field = self.field if len(self.sql.fields) > 1 else None
            return lambda raw: split_joined(raw, field)
        if self.cell == BOOL:
            return bool
        if self.cell == URL:
            prefix = url_prefix(request, self.base)
            return lambda raw: f"{prefix}{raw}/"
        return None


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


def _csv_stream(rows, columns, bom, batches=None, lines=None):
    """The header, then one string per batch of rows: one write per thousand rows keeps
    the per-row cost down to formatting. `batches`, if given, are lists of rows whose
    cells are finished already (csv_cell()'s, made in SQL): written as they come.
    `lines`, if given, are whole CSV lines (PostgreSQL's COPY writes them), in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    yield (BOM if bom else "") + buffer.getvalue()
    if lines is not None:
        yield from lines
        return
    if batches is None:
        batches = ([[csv_cell(c) for c in row] for row in batch] for batch in _batches(rows))
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
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
    request,
    *,
    queryset,
    columns,
    name,
    filters=None,
    row_count=None,
    rows=None,
    csv_batches=None,
    csv_lines=None,
):
    """Stream `queryset` as `name-YYYY-MM-DD.csv` (or .json with ?format=json). `rows`
    replaces reading the queryset; `csv_batches`, for the CSV, gives batches of rows of
    finished cells, or `csv_lines` strings of finished lines.

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
        if csv_batches is None and csv_lines is None and rows is None:
            rows = _rows(queryset, columns, request)
        bom = request.GET.get("bom") == "1"
        stream = _csv_stream(rows, columns, bom, batches=csv_batches, lines=csv_lines)
        response = StreamingHttpResponse(stream, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Row-Count"] = str(row_count)
    response["X-Filters"] = urlencode(filters or {}, doseq=True)
    response["X-Portal-Version"] = settings.PORTAL_VERSION
    response["X-Exported-At"] = timezone.now().replace(microsecond=0).isoformat()
    response["Cache-Control"] = "no-store"
    return response


def export_rows(request, *, queryset, columns, name, filters=None, lists=None):
    """Stream `queryset` with SqlColumns: one statement, read as plain tuples in batches
    (a server-side cursor on PostgreSQL, chunked reads on SQLite), written to CSV (or
    JSON) a batch at a time; a CSV on PostgreSQL comes as lines from COPY (_copied).
    Memory holds one batch, whatever the number of rows. `lists(queryset)` gives the
    CSV its list cells stored: (the queryset joined to them, {column name: cell}).

    The CSV's cells come finished from the database (SqlColumn.expression), so Python
    only hands each batch to the csv module: a call per cell (csv_cell) was half of a
    100,000-row export's time."""
    response = partial(
        export_response, request, queryset=queryset, columns=columns, name=name, filters=filters
    )
    finished = not wants_json(request)
    stored = None
    if finished and lists is not None:
        queryset, stored = lists(queryset)
    elif finished and (listed := [c.name for c in columns if isinstance(c.sql, Related)]):
        # A caller's mistake, caught here: otherwise a TypeError deep in expression().
        raise ImproperlyConfigured(
            f"export_rows: the CSV's list columns ({', '.join(listed)}) read stored cells; "
            "pass lists= (practices.list_cells.attach)."
        )
    expressions, keys = {}, []
    for column in columns:
        key, expression = column.expression(request, finished, stored)
        expressions.setdefault(key, (f"_export_{len(expressions)}", expression))
        keys.append(key)
    if finished and connections[queryset.db].vendor == "postgresql":
        cells = [expressions[key][1] for key in keys]
        sql, params = ordered_statement(queryset, cells)
        rows = queryset.count()
        return response(row_count=rows, csv_lines=_copied(queryset.db, sql, params))
    names = [alias for alias, _sql in expressions.values()]
    query = queryset.annotate(**dict(expressions.values())).values_list(*names)
    batches, selected = _tuples(query)
    # Where each column sits in the statement's SELECT, which need not be the order
    # they were named in (the ORM puts them in its own order).
    at = {alias: i for i, alias in enumerate(selected)}
    places = [at[expressions[key][0]] for key in keys]
    if finished:
        if places != list(range(len(selected))):
            pick = itemgetter(*places)
            batches = (list(map(pick, batch)) for batch in batches)
        return response(csv_batches=batches)
    cells = [(i, c.converter(request)) for i, c in zip(places, columns, strict=True)]

    def converted():
        for batch in batches:
            for raw in batch:
                yield [convert(raw[i]) if convert else raw[i] for i, convert in cells]

    return response(rows=converted())


def _tuples(query):
    """(batches of rows, the names of their columns in SELECT order) of `query`. Rows
    come as the driver hands them over, a batch per fetch, through Django's chunked
    cursor (server-side on PostgreSQL, so memory stays flat). No per-row converters:
    the columns are text and numbers, which both drivers return as they are (SQLite's
    booleans as 0/1, which the JSON's converter turns), and skipping the ORM's row
    handling saved a tenth of the export's time."""
    compiler = query.query.get_compiler(query.db)
    sql, params = compiler.as_sql()
    return _fetch(query.db, sql, params), [alias for _expr, _sql, alias in compiler.select]


def _fetch(db, sql, params):
    with connections[db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(BATCH_ROWS):
            yield batch


def _copied(db, sql, params):
    """The CSV lines of `sql`'s rows as PostgreSQL's COPY writes them, a batch of lines
    at a time. COPY quotes a cell as the csv module does (when it holds a comma, a
    quote or a line break, its quotes doubled), in C as it sends each row: building
    the line in SQL (a regular expression and a CASE per cell) was a third of a
    100,000-row export's statement. COPY ends a line with LF, the csv module (and
    RFC 4180) with CRLF; each row arrives alone, so its last byte is that LF.

    Params are bound on the client (COPY takes none); only ORM-compiled SQL is here.
    Django's cursor has no copy(): the statement is added to its query log (DEBUG, a
    test's CaptureQueriesContext) by hand, with the whole download's time."""
    connection = connections[db]
    copy_sql = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
    started = time.monotonic()
    try:
        # Its own atomic block (a savepoint inside a caller's transaction): a download
        # closed early cancels the COPY if PostgreSQL is still sending, which aborts
        # the transaction it ran in; the block's rollback leaves the caller's usable.
        with (
            transaction.atomic(using=db),
            connection.cursor() as cursor,
            cursor.cursor.copy(copy_sql, params) as copy,
        ):
            batch = []
            for row in copy:
                batch.append(bytes(row[:-1]))
                if len(batch) >= BATCH_ROWS:
                    yield b"\r\n".join(batch) + b"\r\n"
                    batch = []
            if batch:
                yield b"\r\n".join(batch) + b"\r\n"
    finally:
        if connection.queries_logged:
            took = time.monotonic() - started
            connection.queries_log.append({"sql": copy_sql, "time": f"{took:.3f}"})


def url_prefix(request, list_url_name):
    """The absolute URL of a list page, worked out once per export rather than per row:
    detail pages live at <list URL><slug>/."""
    cache = request.__dict__.setdefault("_export_url_prefixes", {})
    if list_url_name not in cache:
        cache[list_url_name] = request.build_absolute_uri(reverse(list_url_name))
    return cache[list_url_name]
