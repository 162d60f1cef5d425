"""PostgreSQL only: fill search_vector and index it; retire the expression index.

The expression index of 0002 served `to_tsvector(search_document) @@ query`, but when the
planner reached practices through another filter first it parsed each document row by
row (270 ms for 7,700 rows at 100,000 practices). A stored tsvector is checked without
parsing. SQLite is untouched: it searches with FTS5 (practices/search.py).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

OLD = GinIndex(SearchVector("search_document", config="simple"), name="practice_search_gin")
NEW = GinIndex(fields=["search_vector"], name="practice_search_vector_gin")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Practice = apps.get_model("practices", "Practice")
    Practice.objects.update(search_vector=SearchVector("search_document", config="simple"))
    schema_editor.remove_index(Practice, OLD)
    schema_editor.add_index(Practice, NEW)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Practice = apps.get_model("practices", "Practice")
    schema_editor.remove_index(Practice, NEW)
    schema_editor.add_index(Practice, OLD)


class Migration(migrations.Migration):
    dependencies = [("practices", "0003_search_vector")]

    operations = [migrations.RunPython(forwards, backwards)]
