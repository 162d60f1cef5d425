"""A revision on each facet value, drawn afresh by every write of it, so that a worker
re-reads after a write only the values that moved (facet_bitmaps.catch_up). The rows
already there share one drawn value: Django computes a callable default once for an
AddField. Any later write draws each row its own, and a worker started before this
migration holds no revisions, so it reads every value once.
"""

import practices.facet_store
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('practices', '0024_list_cells_stored'),
    ]

    operations = [
        migrations.AddField(
            model_name='facetvalue',
            name='revision',
            field=models.BigIntegerField(default=practices.facet_store.new_revision),
        ),
    ]
