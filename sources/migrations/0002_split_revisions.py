"""Split every revision that holds several records into one revision per record (with
what it owns), so that reverting one record in the admin touches no other.

Before, the loader saved the whole knowledge base as one revision: reverting any record
to its first version put every loaded record back. This runs the same code as
`manage.py split_revisions`, with the app's models rather than historical ones: it
reads versions as django-reversion reads them, which only the real models can do.
"""

from django.db import migrations


def split(apps, schema_editor):
    from sources.revisions import split_all_revisions

    split_all_revisions()


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0001_initial"),
        ("practices", "0006_sources_app"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(split, migrations.RunPython.noop)]
