"""PostgreSQL only: pg_trgm and a GIN trigram index on the title, so the duplicate
warning (practices/duplicates.py) finds similar titles by index. SQLite compares the
few titles of a city or organisation with difflib and needs neither."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = GinIndex(OpClass("title", name="gin_trgm_ops"), name="practice_title_trgm")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("practices", "Practice"), INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("practices", "Practice"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("practices", "0014_link_check")]

    # CreateExtension does nothing on a database other than PostgreSQL.
    operations = [TrigramExtension(), migrations.RunPython(forwards, backwards)]
