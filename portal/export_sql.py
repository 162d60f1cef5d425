"""The SQL of the one-statement export (export_rows): related rows joined into one
string per record, and a CSV cell finished in SQL (formulas neutralised, booleans;
on PostgreSQL its quoting is left to COPY).

Two ways to a list cell: a correlated subquery per record (Joined: the JSON export on
both databases, the CSV on SQLite), or, for a CSV on PostgreSQL, one GROUP BY per
related table over the records the export holds, joined to them (grouped_statement).
PostgreSQL runs a correlated subquery in its leader process, once a row and list:
eleven of them were nearly all of a 100,000-row export's time there.
"""

from dataclasses import dataclass
from typing import Any

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
        `ids` selects (None: of every record that has any). One GROUP BY for all of
        them, over the rows already sorted by record and `order`. PostgreSQL.

        Not string_agg(... ORDER BY ...): PostgreSQL 15 sorts each record's few values
        apart, a sort set up per record and list (themes at 100,000 practices: 275 ms
        against 145). An aggregate reads a sorted subquery's rows in its order, as
        PostgreSQL's manual shows for this case (one grouping level, no join above).
        Tests compare every cell with the models' own lists, and write a practice's
        contacts against their names' order."""
        rows = self.rows
        if ids is not None:
            rows = rows.filter(**{f"{self.path}__in": RawSQL(ids, ())})  # noqa: S611
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
    each after SEPARATOR (split again by split_joined), or `between` them (a CSV cell,
    as csv_cell joins a list: an empty value stays, as "").

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
        # A CSV cell (SQLite: PostgreSQL groups them, see grouped_statement), neutralised
        # as a whole as csv_cell does, by its first character, reading the list once.
        # The CASE's three group_concat()s are one aggregate to SQLite (it computes equal
        # ones once; a wrapping subquery per cell cost 5 % of the export), so the
        # separator is a quoted literal: as parameters, the three would differ.
        between = "'" + self.between.replace("'", "''") + "'"
        cell, cell_params = _neutralised(f"group_concat(COALESCE(s.v, ''), {between})")
        wrapped = f"COALESCE((SELECT {cell} FROM {sql} s), '')"  # noqa: S608
        return wrapped, (*cell_params, *params)


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


# The ids of the records an export holds, inside grouped_statement's statement.
IN_EXPORT = 'SELECT "_id" FROM m'


# From this many records on, an export groups every list's whole link table rather than
# only its own records' rows: reading the table is then cheaper than matching each
# link row against the records (75 ms a list at 100,000 practices).
WHOLE_TABLES_FROM = 20_000


def grouped_statement(query, columns, request, connection, rows):
    """(sql, params) of a CSV export on PostgreSQL with its lists grouped, not
    correlated: the records' own cells and their place in the order, once, as m; then
    one GROUP BY per related table over m's records, joined to them.

    Cost: each list reads its link rows once (for a large export, `rows` records, a
    scan of the whole link table; for a few records, an index lookup each), where a
    correlated subquery paid an executor start per record and list."""
    q = connection.ops.quote_name
    ordering = query.query.order_by or query.model._meta.ordering
    own = {"_id": F("pk"), "_rn": Window(RowNumber(), order_by=list(ordering))}
    for i, column in enumerate(columns):
        if not isinstance(column.sql, Related):
            own[f"_c{i}"] = column.expression(request, True)[1]
    base = query.annotate(**own).values_list(*own).order_by()
    base_sql, base_params = base.query.sql_with_params()
    # One GROUP BY per Related, for every field its columns show (a theme's names and
    # slugs together).
    shown = {}
    for column in columns:
        if isinstance(column.sql, Related):
            shown.setdefault(id(column.sql), (column.sql, []))[1].append(column.field)
    joins, join_params, where = [], [], {}
    ids = None if rows >= WHOLE_TABLES_FROM else IN_EXPORT
    for g, (related, fields) in enumerate(shown.values()):
        picked = sorted(set(fields))
        grouped_sql, params = related.grouped([related.fields[f] for f in picked], ids)
        joins.append(f"LEFT JOIN ({grouped_sql}) g{g} ON g{g}.{q('pid')} = m.{q('_id')}")
        join_params += params
        for k, f in enumerate(picked):
            where[(id(related), f)] = f"g{g}.{q(f'c{k}')}"
    cells, cell_params = [], []
    for i, column in enumerate(columns):
        if not isinstance(column.sql, Related):
            cells.append(f"m.{q(f'_c{i}')}")
            continue
        cell, params = _neutralised(f"COALESCE({where[(id(column.sql), column.field)]}, '')")
        cells.append(cell)
        cell_params += params
    # Only quoted aliases and ORM-compiled SQL are interpolated; values are params.
    names = [f"c{i}" for i in range(len(cells))]
    cells_sql = ", ".join(f"{cell} AS {q(name)}" for cell, name in zip(cells, names, strict=True))
    # NULLIF: COPY's CSV writes NULL as nothing and an empty text as "" (to tell them
    # apart), where the csv module writes both as nothing.
    line = ", ".join(f"NULLIF(t.{q(name)}::text, '')" for name in names)
    sql = (
        f"WITH m AS MATERIALIZED ({base_sql}) "  # noqa: S608
        f"SELECT {line} FROM ("
        f"SELECT {cells_sql}, m.{q('_rn')} AS {q('_rn')} FROM m {' '.join(joins)}"
        f") t ORDER BY t.{q('_rn')}"
    )
    return sql, (*base_params, *cell_params, *join_params)
