"""Content translations (django-modeltranslation): history, revert, admin, pages."""

import csv
import io
import json
import re

import pytest
import reversion
from django.urls import reverse
from django.utils import translation
from reversion.models import Version
from reversion.revisions import _get_options

from benchmarks.models import Benchmark, ContextualFactor, Factor
from cities.models import City, Country, Network, Organisation
from practices.models import FundingSource, Practice, TargetGroup, Theme
from sources.version_json import complete_translations

from .admin_forms import form_data

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "de", "es", "it")
TRANSLATED = {
    Country: ("name",),
    Practice: ("title", "summary", "context", "how_it_works", "results", "transferability"),
    Theme: ("name", "description"),
    TargetGroup: ("name", "description"),
    FundingSource: ("name", "description"),
    City: ("profile",),
    Organisation: ("description",),
    Network: ("name", "description"),
    Benchmark: ("title", "description"),
    Factor: ("title", "statement", "rationale"),
    ContextualFactor: ("title", "description"),
}
PRACTICE = "stockholm-crossroads"


def practice_page(client, slug, language):
    prefix = "" if language == "en" else f"/{language}"
    return client.get(f"{prefix}/practices/{slug}/").content.decode()


@pytest.mark.parametrize("model", list(TRANSLATED), ids=lambda m: m.__name__)
def test_every_language_is_in_the_versions_of_a_translated_model(model):
    """Registered after modeltranslation added the columns (django-reversion #684)."""
    fields = set(_get_options(model).fields)
    for name in TRANSLATED[model]:
        assert {f"{name}_{lang}" for lang in LANGUAGES} <= fields, (model, name)


def test_a_saved_version_holds_the_french_text():
    practice = Practice.objects.get(slug=PRACTICE)
    practice.summary_fr = "Un résumé en français."
    with reversion.create_revision():
        practice.save()
    version = Version.objects.get_for_object(practice).first()
    assert version.field_dict["summary_fr"] == "Un résumé en français."
    assert version.field_dict["summary_en"] == practice.summary_en


def test_the_admin_shows_each_languages_side_by_side(client, superuser):
    client.force_login(superuser)
    practice = Practice.objects.get(slug=PRACTICE)
    page = client.get(reverse("admin:practices_practice_change", args=[practice.pk]))
    html = page.content.decode()
    # One form row per field, holding its five languages.
    row = re.search(r'class="form-row[^"]*field-summary_en[^"]*"', html)
    assert row, "no row for the English summary"
    assert all(f"field-summary_{lang}" in row.group(0) for lang in LANGUAGES)
    assert 'name="summary_fr"' in html


def test_a_french_summary_added_in_the_admin_shows_and_a_revert_removes_it(client, superuser):
    practice = Practice.objects.get(slug=PRACTICE)
    english = practice.summary_en
    before = Version.objects.get_for_object(practice).first()
    client.force_login(superuser)
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data = form_data(client.get(url))
    french = "Un lieu où des bénévoles accompagnent les personnes sans abri."
    data["summary_fr"] = french
    assert client.post(url, data).status_code == 302

    page = practice_page(client, practice.slug, "fr")
    assert french in page
    assert english not in page
    # The English page keeps the English original.
    assert english in practice_page(client, practice.slug, "en")

    revert_url = reverse("admin:practices_practice_revision", args=[practice.pk, before.pk])
    assert client.post(revert_url, form_data(client.get(revert_url))).status_code == 302
    practice.refresh_from_db()
    assert not practice.summary_fr
    page = practice_page(client, practice.slug, "fr")
    assert french not in page
    assert english in page


def old_version(version):
    """The version as django-reversion stored it before the translation columns."""
    data = json.loads(version.serialized_data)
    columns = re.compile(r"_({})$".format("|".join(LANGUAGES)))
    data[0]["fields"] = {k: v for k, v in data[0]["fields"].items() if not columns.search(k)}
    version.serialized_data = json.dumps(data)
    version.save(update_fields=["serialized_data"])
    return version


def test_reverting_to_a_version_from_before_translations_keeps_them():
    practice = Practice.objects.get(slug=PRACTICE)
    original_title = practice.title_en
    with reversion.create_revision():
        practice.save()
    version = old_version(Version.objects.get_for_object(practice).first())
    stored = json.loads(version.serialized_data)[0]["fields"]
    assert "title" in stored and "title_en" not in stored and "summary_fr" not in stored
    practice.title_en = "Renamed since"
    practice.summary_fr = "Traduit depuis."
    practice.title_de = "Seitdem übersetzt"
    practice.save()

    version.revision.revert()

    practice.refresh_from_db()
    # The English text comes back from the old version; translations made since stay.
    assert practice.title_en == original_title
    assert practice.summary_fr == "Traduit depuis."
    assert practice.title_de == "Seitdem übersetzt"


def test_a_complete_version_is_read_as_it_is():
    """Only missing columns are filled: an empty translation in a version is reverted."""
    fields = {"title": "T", "title_en": "T", "title_fr": None}
    obj = {"model": "practices.practice", "pk": 1, "fields": dict(fields)}
    complete_translations(obj)
    assert {k: obj["fields"][k] for k in fields} == fields


def test_an_untranslated_practice_is_marked_english_with_a_note(client):
    practice = Practice.objects.get(slug=PRACTICE)
    page = practice_page(client, practice.slug, "fr")
    assert re.search(r'<p class="lead practice-lead" lang="en">', page)
    assert re.search(r'<h1 lang="en">', page)
    with translation.override("fr"):
        note = translation.gettext("Not yet translated: this text is available in English.")
    assert note != "Not yet translated: this text is available in English."
    assert note in page
    english = practice_page(client, practice.slug, "en")
    assert 'lang="en">' not in english.split("<body", 1)[1]


def test_a_translated_summary_is_not_marked_english(client):
    practice = Practice.objects.get(slug=PRACTICE)
    Practice.objects.filter(pk=practice.pk).update(summary_fr="Résumé traduit.")
    page = practice_page(client, practice.slug, "fr")
    assert '<p class="lead practice-lead">Résumé traduit.</p>' in page
    # The title is still English, and says so.
    assert re.search(r'<h1 lang="en">', page)


@pytest.mark.parametrize("language", ["fr", "de", "es", "it"])
def test_the_vocabulary_is_translated_in_the_fixtures(language):
    for model in (Theme, TargetGroup, FundingSource):
        missing = model.objects.filter(**{f"name_{language}__isnull": True})
        assert not missing.exists(), (model, language, list(missing))
        same = [v.slug for v in model.objects.all() if v.name == getattr(v, f"name_{language}")]
        # Proper names (Erasmus+, Roma) may read the same; never most of a vocabulary.
        assert len(same) <= 2, (model, language, same)
    for model in (Benchmark, Factor, ContextualFactor):
        assert not model.objects.filter(**{f"title_{language}__isnull": True}).exists()


def test_the_themes_page_and_a_practice_show_the_vocabulary_in_french(client):
    themes = client.get("/fr/themes/").content.decode()
    assert "Bénévolat" in themes and "Apprentissage de la langue" in themes
    practice = Practice.objects.filter(themes__slug="volunteering").first()
    assert "Bénévolat" in practice_page(client, practice.slug, "fr")
    assert "Ehrenamt" in practice_page(client, practice.slug, "de")


def test_a_network_keeps_its_name_where_it_has_no_official_translation(client):
    cities = Network.objects.get(slug="intercultural-cities")
    assert cities.name_fr == "Cités interculturelles"
    assert cities.name_de is None
    with translation.override("de"):
        assert Network.objects.get(slug="intercultural-cities").name == "Intercultural Cities"
    with translation.override("fr"):
        names = list(Network.objects.for_list().values_list("name", flat=True))
    # Ordered by the name each shows (English where untranslated): by name_fr alone, the
    # one translated name would come first (PostgreSQL) or last (SQLite), NULLs apart.
    where = names.index("Cités interculturelles")
    assert 0 < where < len(names) - 1, names


def test_country_names_follow_the_page_language(client):
    italy = Country.objects.get(code="IT")
    assert (italy.name_fr, italy.name_de) == ("Italie", "Italien")
    english = client.get("/practices/").content.decode()
    assert 'id="f-country-it"' in english
    assert ">Italy<" in english and ">Italie<" not in english
    assert ">Italie<" in client.get("/fr/practices/").content.decode()
    assert ">Italien<" in client.get("/de/practices/").content.decode()
    practice = Practice.objects.published().filter(city__country_id="IT").first()
    assert f"{practice.city.name}, Italia" in practice_page(client, practice.slug, "it")


def test_the_export_names_countries_in_the_request_s_language(client):
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get("/fr/practices/export.csv", {"country": "ES"}).streaming_content
                ).decode()
            )
        )
    )
    assert rows
    assert {row["country"] for row in rows} == {"Espagne"}
    assert {row["country_code"] for row in rows} == {"ES"}
