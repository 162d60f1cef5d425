"""SourceDocument and Citation now live in the sources app (sources 0001 takes them over
in the migration state; the tables keep their names).

Their content types are renamed rather than recreated, so that the edit history of
citations and source documents (reversion versions point at the content type), the
Editors group's permissions and every Citation row stay attached to them.
"""

from django.db import migrations

MOVED = ("sourcedocument", "citation")


def rename_content_types(apps, schema_editor, old="practices", new="sources"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model__in=MOVED).update(app_label=new)


def rename_back(apps, schema_editor):
    rename_content_types(apps, schema_editor, old="sources", new="practices")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("practices", "0005_constraint_messages"),
        ("sources", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rename_content_types, rename_back),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Citation"),
                migrations.DeleteModel(name="SourceDocument"),
            ],
        ),
    ]
