"""A copy of the test database's rows, taken once and put back before each browser test.

Browser tests run against live_server, whose transactional database is flushed after
every test; reloading the knowledge base through the loader then cost ~7 s a test.
Putting the rows back costs a fraction of a second, on SQLite and PostgreSQL alike.

Rows are copied as the database driver hands them over (plain SELECT and INSERT), not
through models: no save() signals, no auto_now stamps, every table Django manages
(auto-created M2M tables, reversion, taggit, contenttypes, sessions) restored as it
was. SQLite's FTS5 index is not a Django table: its triggers (practices/search.py)
drop rows as the flush deletes them and index them again as they are inserted here.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


def _tables(connection):
    # The tables `flush` empties: every table of an installed, managed model.
    names = connection.introspection.django_table_names(only_existing=True, include_views=False)
    return sorted(names)


def take(using="default"):
    """Every row of every Django table, in primary-key order where there is one."""
    connection = connections[using]
    qn = connection.ops.quote_name
    tables = []
    with connection.cursor() as cursor:
        for name in _tables(connection):
            key = connection.introspection.get_primary_key_column(cursor, name)
            order = f" ORDER BY {qn(key)}" if key else ""
            # Names from Django's introspection of its own tables, never from input.
            cursor.execute(f"SELECT * FROM {qn(name)}{order}")  # noqa: S608
            columns = tuple(column[0] for column in cursor.description)
            tables.append(Table(name, columns, tuple(map(tuple, cursor.fetchall()))))
    return tuple(tables)


def _insert(cursor, connection, table):
    qn = connection.ops.quote_name
    # Many rows a statement, within the parameter limit (SQLite's is the lowest).
    per_statement = max(1, (connection.features.max_query_params or 999) // len(table.columns))
    row = "(" + ", ".join(["%s"] * len(table.columns)) + ")"
    # Names from Django's introspection of its own tables; every value is a parameter.
    columns = ", ".join(map(qn, table.columns))
    head = f"INSERT INTO {qn(table.name)} ({columns}) VALUES "  # noqa: S608
    for start in range(0, len(table.rows), per_statement):
        batch = table.rows[start : start + per_statement]
        cursor.execute(head + ", ".join([row] * len(batch)), [v for r in batch for v in r])


def restore(tables, using="default"):
    """Empty every Django table, then insert the snapshot's rows, in one transaction.

    Emptying first matters: the flush after the previous test ran post_migrate, which
    recreated content types and permissions under new ids. Foreign keys are created
    DEFERRABLE INITIALLY DEFERRED on both databases, so table order does not matter.
    """
    connection = connections[using]
    names = {table.name for table in tables}
    with transaction.atomic(using=using):
        call_command(
            "flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0
        )
        with connection.cursor() as cursor:
            for table in tables:
                if table.rows:
                    _insert(cursor, connection, table)
            # PostgreSQL: each id sequence just past the restored ids, as loaddata leaves
            # them, whatever the previous test did to it. (SQLite needs nothing.)
            every_model = apps.get_models(include_auto_created=True)
            models = [m for m in every_model if m._meta.db_table in names]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    # The flush's post_migrate cached content types under ids the restore just replaced:
    # forget them, and read the restored ones in one query rather than one a model later.
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models())
