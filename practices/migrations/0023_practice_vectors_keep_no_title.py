"""A practice's vectors no longer carry a copy of its sort title. It served only the SQL
fallback of a ranked page (search.ranked_ids), which now reads the title from the
practice row; the copy cost a column kept in step on every write and ~8 % of each
vector row. On PostgreSQL the drop is instant; the space returns as rows are rewritten.
Backwards, the column comes back filled from the practices.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_titles_back(apps, schema_editor):
    vectors = apps.get_model("practices", "PracticeVector")
    practices = apps.get_model("practices", "Practice")
    title = practices.objects.filter(pk=OuterRef("practice_id")).values("sort_title")[:1]
    vectors.objects.using(schema_editor.connection.alias).update(sort_title=Subquery(title))


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0022_search_vectors_off_the_practice_row"),
    ]

    operations = [
        # A default, so that the column can come back (backwards) on rows that exist.
        migrations.AlterField(
            model_name="practicevector",
            name="sort_title",
            field=models.CharField(max_length=300, default=""),
        ),
        migrations.RunPython(migrations.RunPython.noop, copy_titles_back),
        migrations.RemoveField(
            model_name="practicevector",
            name="sort_title",
        ),
    ]
