"""PostgreSQL's search vectors move off the practice row into PracticeVector
(search_store.py): one narrow row per practice and language, with one partial GIN index
per language. The vectors are copied as they are, so nothing is parsed again; their old
GIN indexes go with their columns. SQLite never filled them (FTS5 indexes search_stems).
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

LANGUAGES = ("en", "fr", "de", "es", "it")


def _column(lang):
    return "search_vector" if lang == "en" else f"search_vector_{lang}"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for lang in LANGUAGES:
        schema_editor.execute(
            "INSERT INTO practices_practicevector (practice_id, language, vector, sort_title) "
            f"SELECT id, %s, {_column(lang)}, sort_title FROM practices_practice "
            f"WHERE {_column(lang)} IS NOT NULL",
            [lang],
        )
    # The copied rows' deferred foreign-key checks, before an index may be built.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for lang in LANGUAGES:
        # Every search names its language: this index holds only that language's rows.
        schema_editor.execute(
            f"CREATE INDEX practice_vector_{lang}_gin ON practices_practicevector "
            f"USING gin (vector) WHERE language = '{lang}'"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for lang in LANGUAGES:
        schema_editor.execute(
            f"UPDATE practices_practice SET {_column(lang)} = v.vector "
            "FROM practices_practicevector v WHERE v.practice_id = practices_practice.id "
            "AND v.language = %s",
            [lang],
        )
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for lang in LANGUAGES:
        name = "practice_search_vector_gin" if lang == "en" else f"practice_search_{lang}_gin"
        schema_editor.execute(
            f"CREATE INDEX {name} ON practices_practice USING gin ({_column(lang)})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0021_facet_counts_from_bitmaps_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="PracticeVector",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language", models.CharField(max_length=2)),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
                ("sort_title", models.CharField(max_length=300)),
                (
                    "practice",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="practices.practice",
                    ),
                ),
            ],
            options={
                "ordering": ["practice_id", "language"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("practice", "language"), name="practice_vector_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
        *(migrations.RemoveField(model_name="practice", name=_column(lang)) for lang in LANGUAGES),
    ]
