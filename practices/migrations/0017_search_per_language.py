"""Search per language (practices/search.py, search_documents.py).

PostgreSQL: the unaccent extension, a text-search configuration per content language
(portal_english, portal_french...: the language's own, with unaccent before its Snowball
stemmer for words with letters outside ASCII), a search vector per language besides
search_vector, GIN-indexed. Every vector is filled from the English document here:
nothing is translated yet, and the English fallback is indexed as English.

SQLite: search_stems, filled the same way (English stems, marked for every language);
FTS5 indexes it after migrate (search.ensure_sqlite_fts), and retires the old index.
"""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

LANGUAGES = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian"}
NEW = ("fr", "de", "es", "it")


def _column(lang):
    return "search_vector" if lang == "en" else f"search_vector_{lang}"


def _index(lang):
    return GinIndex(fields=[_column(lang)], name=f"practice_search_{lang}_gin")


def forwards(apps, schema_editor):
    Practice = apps.get_model("practices", "Practice")
    if schema_editor.connection.vendor != "postgresql":
        _fill_stems(Practice)
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for language in LANGUAGES.values():
        name = f"portal_{language}"
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {language})")
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR hword, hword_part, word "
            f"WITH unaccent, {language}_stem"
        )
    assignments = ", ".join(
        f"{_column(lang)} = to_tsvector('portal_english', search_document)" for lang in LANGUAGES
    )
    schema_editor.execute(f"UPDATE practices_practice SET {assignments}")
    for lang in NEW:
        schema_editor.add_index(Practice, _index(lang))


def _fill_stems(Practice):
    from practices.stemming import stem_tokens

    rows = []
    for pk, document in Practice.objects.values_list("pk", "search_document"):
        found = document.split()
        stems = [token for lang in LANGUAGES for token in stem_tokens(found, "en", lang)]
        rows.append(Practice(pk=pk, search_stems=" ".join(stems)))
    Practice.objects.bulk_update(rows, ["search_stems"], batch_size=500)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Practice = apps.get_model("practices", "Practice")
    for lang in NEW:
        schema_editor.remove_index(Practice, _index(lang))
    for language in LANGUAGES.values():
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_{language}")
    schema_editor.execute(
        "UPDATE practices_practice SET search_vector = to_tsvector('simple', search_document)"
    )


class Migration(migrations.Migration):
    dependencies = [("practices", "0016_translations")]

    operations = [
        *(
            migrations.AddField(
                model_name="practice",
                name=f"search_vector_{lang}",
                field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
            )
            for lang in NEW
        ),
        migrations.AddField(
            model_name="practice",
            name="search_stems",
            field=models.TextField(blank=True, editable=False, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, backwards),
    ]
