"""Streamed exports of any list, as CSV (RFC 4180, UTF-8) or JSON, from one code path.

A list page describes its export as a queryset and columns; `export_response()` streams
it. Rows are read with `iterator(chunk_size=...)`, whose prefetches run once per chunk,
so the number of queries grows with rows / CHUNK_SIZE and memory stays flat.

Provenance travels in the response headers: the row count (counted before streaming,
so a researcher can check that the file they got is complete), the filters applied, and
the portal version.
"""

import csv
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

CHUNK_SIZE = 500
BOM = "\ufeff"
# OWASP "CSV injection": a spreadsheet runs a cell that starts with one of these.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    value: Any  # callable(obj, request) -> str | int | float | list | None
    doc: str = ""


def neutralise(cell):
    """Make a text cell inert in spreadsheets; leave every other cell as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        # Empty items stay, so that parallel columns (contacts' names, roles) line up.
        value = "; ".join("" if v is None else str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


class _Echo:
    """A file-like object whose write() hands back the line csv.writer formatted."""

    def write(self, value):
        return value


def _rows(queryset, columns, request):
    # A list (e.g. a comparison matrix already in memory) is iterated as it is.
    items = queryset.iterator(chunk_size=CHUNK_SIZE) if hasattr(queryset, "iterator") else queryset
    for obj in items:
        yield {column.name: column.value(obj, request) for column in columns}


def _csv_stream(rows, columns, bom):
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield (BOM if bom else "") + writer.writerow([c.name for c in columns])
    for row in rows:
        yield writer.writerow([csv_cell(row[c.name]) for c in columns])


def _json_stream(rows):
    yield "["
    first = True
    for row in rows:
        yield ("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False, default=str)
        first = False
    yield "\n]\n"


def wants_json(request):
    return request.GET.get("format") == "json"


def export_response(request, *, queryset, columns, name, filters=None, row_count=None):
    """Stream `queryset` as `name-YYYY-MM-DD.csv` (or .json with ?format=json).

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
        rows = _rows(queryset, columns, request)
        response = StreamingHttpResponse(_json_stream(rows), content_type=content_type)
    else:
        rows = _rows(queryset, columns, request)
        bom = request.GET.get("bom") == "1"
        response = StreamingHttpResponse(_csv_stream(rows, columns, bom), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Row-Count"] = str(row_count)
    response["X-Filters"] = urlencode(filters or {}, doseq=True)
    response["X-Portal-Version"] = settings.PORTAL_VERSION
    response["X-Exported-At"] = timezone.now().replace(microsecond=0).isoformat()
    response["Cache-Control"] = "no-store"
    return response


def url_prefix(request, list_url_name):
    """The absolute URL of a list page, worked out once per export rather than per row:
    detail pages live at <list URL><slug>/."""
    cache = request.__dict__.setdefault("_export_url_prefixes", {})
    if list_url_name not in cache:
        cache[list_url_name] = request.build_absolute_uri(reverse(list_url_name))
    return cache[list_url_name]
