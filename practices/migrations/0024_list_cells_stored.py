"""The CSV export's list cells, stored per practice and language (cell_store.py). The
table starts empty; practices.list_cells.ensure_list_cells fills it after migrate, with
the code that keeps it, rather than a copy of that code frozen here.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('practices', '0023_practice_vectors_keep_no_title'),
    ]

    operations = [
        migrations.CreateModel(
            name='ListCells',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(max_length=5)),
                ('partner_slugs', models.TextField(default='')),
                ('themes', models.TextField(default='')),
                ('theme_slugs', models.TextField(default='')),
                ('target_groups', models.TextField(default='')),
                ('funding_sources', models.TextField(default='')),
                ('tags', models.TextField(default='')),
                ('values_factors', models.TextField(default='')),
                ('contact_names', models.TextField(default='')),
                ('contact_roles', models.TextField(default='')),
                ('contact_emails', models.TextField(default='')),
                ('source', models.TextField(default='')),
                ('practice', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='list_cells', to='practices.practice')),
            ],
            options={
                'ordering': ['practice_id', 'language'],
                'constraints': [models.UniqueConstraint(fields=('practice', 'language'), name='list_cells_unique')],
            },
        ),
    ]
