# The counts come from the values' bitmaps (0020): the stored counts and the keys'
# kind, which only they read, go.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0020_facet_value_members"),
    ]

    operations = [
        migrations.DeleteModel(
            name="FacetCount",
        ),
        migrations.RemoveConstraint(
            model_name="facetkey",
            name="facet_key_covering",
        ),
        migrations.RemoveField(
            model_name="facetkey",
            name="kind",
        ),
        migrations.AddConstraint(
            model_name="facetkey",
            constraint=models.UniqueConstraint(
                fields=("practice", "facet", "value", "published"), name="facet_key_unique"
            ),
        ),
    ]
