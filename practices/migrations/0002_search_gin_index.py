"""GIN index for PostgreSQL full-text search over Practice.search_document.

PostgreSQL only: SQLite has no GIN (it searches with FTS5 now, see practices/search.py).
Built from the same SearchVector expression that apply_search() filters on, so the
planner can use it for `?q=` on the practice browser.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("search_document", config="simple"), name="practice_search_gin")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("practices", "Practice"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("practices", "Practice"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(add_index, remove_index)]
