"""The "Editors" group: curators who may change content but not manage users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_APPS = ["cities", "practices", "benchmarks", "taggit"]


def create_editors(apps, schema_editor):
    # Permissions are normally made after all migrations run; make them now so that a
    # fresh database gets a complete group in the same migrate.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label__in=CONTENT_APPS))


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("cities", "0001_initial"),
        ("practices", "0002_search_gin_index"),
        ("benchmarks", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
