"""The lexeme store (search_store.SearchLexeme): a one-word search on PostgreSQL reads
its few rows instead of its matches' vectors (search_lexemes.py). Empty here: the rows
are built after migrate (search_lexemes.ensure_search_lexemes), where there are vectors;
SQLite never fills it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('practices', '0025_facet_value_revision'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchLexeme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(max_length=2)),
                ('lexeme', models.TextField()),
                ('weights', models.TextField()),
                ('members', models.BinaryField(default=b'')),
            ],
            options={
                'ordering': ['language', 'lexeme', 'weights'],
                'constraints': [models.UniqueConstraint(fields=('language', 'lexeme', 'weights'), name='search_lexeme_unique', opclasses=['varchar_pattern_ops', 'text_pattern_ops', 'text_pattern_ops'])],
            },
        ),
    ]
