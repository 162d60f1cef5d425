"""The SQL of the one-statement export (export_rows): related rows joined into one
string per record, and a CSV cell finished in SQL (formulas neutralised, booleans;
on PostgreSQL its quoting is left to COPY, ordered_statement).

A list is joined by a correlated subquery per record (Joined: the JSON export; the
stored cells of the CSV on SQLite), or by one GROUP BY per related table for many
records at once (Related.grouped: the stored cells on PostgreSQL, which runs a
correlated subquery in its leader process, once a row and list).
"""

from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, RowNumber

# OWASP "CSV injection": a spreadsheet runs a cell that starts with one of these.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The same as a PostgreSQL regular expression on a text's first character ("-" last in
# the bracket, where it stands for itself).
LEADING_TRIGGER = "^([" + "".join(sorted(FORMULA_TRIGGERS, key="-".__eq__)) + "])"


@dataclass(frozen=True)
class Related:
    """Each listed record's related rows: `rows` (a queryset of the related model),
    `path` from one of them to the record's id, their `order` within a record's list,
    and the `fields` read from each. A list column names one field; columns that share
    a Related (a theme's names and slugs) read it once in JSON."""

    rows: Any
    path: str
    order: tuple
    fields: tuple

    def values(self, fields):
        """The one-column subquery of these fields for the outer record (OuterRef). Not
        values(v=...): modeltranslation's values() with no field names selects every
        column (descriptions included) into each row's subquery."""
        rows = self.rows.filter(**{self.path: OuterRef("pk")}).order_by(*self.order)
        return rows.annotate(v=_fields(fields)).values("v")

    def grouped(self, fields, ids=None):
        """(sql, params) of (pid, c0, c1...): for each of `fields`, the CSV cell (values
        joined by "; " in order, not yet neutralised) of each record whose id the SQL
        query `ids` (sql, params) selects (None: of every record that has any). One
        GROUP BY for all of them, over the rows already sorted by record and `order`.
        PostgreSQL.

        Not string_agg(... ORDER BY ...): PostgreSQL 15 sorts each record's few values
        apart, a sort set up per record and list (themes at 100,000 practices: 275 ms
        against 145). An aggregate reads a sorted subquery's rows in its order, as
        PostgreSQL's manual shows for this case (one grouping level, no join above).
        Tests compare every cell with the models' own lists, and write a practice's
        contacts against their names' order."""
        rows = self.rows
        if ids is not None:
            rows = rows.filter(**{f"{self.path}__in": RawSQL(*ids)})  # noqa: S611
        # _fields: the value, NULL as "" (csv_cell writes a None in a list as "").
        values = {f"f{i}": _fields((field,)) for i, field in enumerate(fields)}
        # annotate().values(...), not values(pid=...): see values().
        sorted_rows = (
            rows.annotate(pid=F(self.path), **values)
            .values("pid", *values)
            .order_by("pid", *self.order)
        )
        sql, params = sorted_rows.query.sql_with_params()
        cells = ", ".join(f"string_agg(s.f{i}, '; ') AS c{i}" for i in range(len(fields)))
        return f"SELECT s.pid, {cells} FROM ({sql}) s GROUP BY s.pid", params  # noqa: S608


# Joins a row's related values into one string, before each value: no name holds it,
# and an empty list ("") stays apart from a list of one empty value ("\x1f").
SEPARATOR = "\x1f"
# Between the fields of one joined value (a theme's name and slug).
FIELD_SEPARATOR = "\x1e"


def _fields(fields):
    """Several fields of one related row as one value (split by split_joined)."""
    parts = []
    for name in fields:
        value = F(name) if isinstance(name, str) else name
        parts += [Value(FIELD_SEPARATOR), Coalesce(value, Value(""), output_field=TextField())]
    return Concat(*parts[1:], output_field=TextField()) if len(fields) > 1 else parts[1]


class Joined(Subquery):
    """The values of a one-column ordered subquery (`.values(v=...)`), as one string:
    each after SEPARATOR (split again by split_joined), or, on SQLite, `between` them (a
    stored list cell, as csv_cell joins a list: an empty value stays, as "").

    PostgreSQL: array_to_string(ARRAY(subquery)), which keeps the subquery's order.
    SQLite: group_concat over the ordered subquery, which SQLite does not flatten into
    the aggregate, so the order holds there too (a test checks the order of each)."""

    output_field = TextField()

    def __init__(self, queryset, between=None, **extra):
        super().__init__(queryset, **extra)
        self.between = between

    def as_sql(self, compiler, connection, template=None, **extra_context):
        sql, params = super().as_sql(compiler, connection, template, **extra_context)
        # Only ORM-compiled SQL is interpolated; separators and values are params.
        postgres = connection.vendor == "postgresql"
        if self.between is None:
            if postgres:
                joined = f"array_to_string(ARRAY(SELECT %s || s.v FROM {sql} s), '')"  # noqa: S608
            else:
                joined = f"(SELECT group_concat(%s || s.v, '') FROM {sql} s)"  # noqa: S608
            return f"COALESCE({joined}, '')", (SEPARATOR, *params)
        # A list as csv_cell joins it: by `between`, a None as "". Stored list cells on
        # SQLite only (PostgreSQL groups them: Related.grouped).
        joined = f"(SELECT group_concat(COALESCE(s.v, ''), %s) FROM {sql} s)"  # noqa: S608
        return f"COALESCE({joined}, '')", (self.between, *params)


def _neutralised(sql):
    """neutralise() in SQL, of an expression with no parameters of its own."""
    triggers = ", ".join(["%s"] * len(FORMULA_TRIGGERS))
    return (
        f"CASE WHEN SUBSTR({sql}, 1, 1) IN ({triggers}) THEN %s || {sql} ELSE {sql} END",
        (*FORMULA_TRIGGERS, "'"),
    )


def split_joined(raw, field=None):
    """A Joined string back into its list; `field` picks one field of each value."""
    values = raw.split(SEPARATOR)[1:] if raw else []
    if field is None:
        return values
    return [value.split(FIELD_SEPARATOR)[field] for value in values]


class Neutralised(Func):
    """A text cell made inert in spreadsheets, in SQL: neutralise() for every row at
    the database's pace rather than a Python call per cell."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            # One read of the text: a CASE would read it thrice, and each read of a long
            # (TOASTed, compressed) summary decompresses all of it.
            return f"regexp_replace({sql}, %s, %s)", (*params, LEADING_TRIGGER, "'\\1")
        cell, cell_params = _neutralised(sql)
        # The expression appears three times in the CASE, and its parameters with it.
        return cell, (*params, *cell_params[:-1], cell_params[-1], *params, *params)


class TrueFalse(Func):
    """A boolean as csv_cell writes it: true or false (NULL is false)."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CASE WHEN {sql} THEN 'true' ELSE 'false' END", params


def ordered_statement(query, expressions):
    """(sql, params) of `expressions` (finished cells) for each record of `query`, in
    the given column order and the query's row order, each cell NULL where empty: for
    PostgreSQL's COPY, whose CSV writes NULL as nothing and quotes an empty text.

    The cells and each record's place in the order are computed once (`m`), then read
    in order: the ORM picks its own order for a SELECT's columns, COPY writes them as
    they come."""
    ordering = query.query.order_by or query.model._meta.ordering
    own = {"_rn": Window(RowNumber(), order_by=list(ordering))}
    own.update({f"_c{i}": expression for i, expression in enumerate(expressions)})
    base = query.annotate(**own).values_list(*own).order_by()
    sql, params = base.query.sql_with_params()
    q = connections[base.db].ops.quote_name
    cells = ", ".join(f"NULLIF(m.{q(f'_c{i}')}::text, '')" for i in range(len(expressions)))
    # Only quoted aliases and ORM-compiled SQL are interpolated; values are params.
    return f"WITH m AS MATERIALIZED ({sql}) SELECT {cells} FROM m ORDER BY m.{q('_rn')}", params  # noqa: S608
