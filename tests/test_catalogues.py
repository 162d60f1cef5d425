"""The interface's catalogues are complete: every entry translated in each language, none
fuzzy, placeholders intact, and nothing marked in the code that the catalogues lack
(makemessages, run on a copy of the sources, would add nothing)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from .po import LANGUAGES, catalogue_path, entries, key

ROOT = Path(settings.BASE_DIR)
SOURCES = ("portal", "sources", "cities", "practices", "benchmarks", "api", "templates")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
# Translations that are rightly the same word as the English: cognates and names. Any
# other msgstr equal to its msgid is English left in a catalogue.
SAME_AS_ENGLISH = {
    "fr": {
        "Initiative",
        "Organisation",
        "Organisations",
        "Population",
        "Date",
        "Source",
        "Contact",
        "Contacts",
        "Pages",
        "Sources",
        "Note",
        "section",
    },
    "de": {
        "Initiative",
        "Organisation",
        "Status",
        "Regional",
        "National",
        "Region",
        "Toolkit",
        "Website",
        "Filter",
        "Partner",
        "Links",
    },
    "es": {"Local", "Regional", "Factor", "No", "Web"},
    "it": {"Password", "Home", "Partner", "No"},
}


def _msgfmt_statistics(path):
    # GNU gettext's own count (make install needs it too), on our files.
    result = subprocess.run(  # noqa: S603
        [shutil.which("msgfmt"), "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stderr.strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_counts_every_entry_translated_and_none_fuzzy(language):
    path = catalogue_path(language)
    status, statistics = _msgfmt_statistics(path)
    assert status == 0, statistics
    active = [e for e in entries(path) if not e["obsolete"]]
    # "N translated messages." and nothing about untranslated or fuzzy ones.
    assert statistics == f"{len(active)} translated messages.", statistics
    assert not [e["msgid"] for e in active if "fuzzy" in e["flags"]]
    assert not [e["msgid"] for e in entries(path) if e["obsolete"]], "obsolete entries left"


def _words(text):
    """What a reader reads of an entry: no placeholders, markup or punctuation."""
    return re.sub(r"<[^>]+>|[^\w\s]", "", PLACEHOLDER.sub("", text)).strip().lower()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_is_left_in_a_catalogue(language):
    allowed = {word.lower() for word in SAME_AS_ENGLISH[language]}
    left = [
        e["msgid"]
        for e in entries(catalogue_path(language))
        for text in e["msgstr"][:1] + e["msgstr"][-1:]
        if _words(text) in {_words(e["msgid"]), _words(e["msgid_plural"] or "")}
        # Nothing to translate ("%(benchmark)s: %(city)s"), or the same word.
        and len(_words(text)) > 1
        and _words(text) not in allowed
    ]
    assert not left, f"{language}: translated as the English: {left}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    broken = []
    for e in entries(catalogue_path(language)):
        wanted = sorted(PLACEHOLDER.findall(e["msgid_plural"] or e["msgid"]))
        for text in e["msgstr"]:
            # A singular form may drop the count ("une ligne"): only names it adds count.
            if not set(PLACEHOLDER.findall(text)) <= set(wanted):
                broken.append((e["msgid"], text))
        if sorted(PLACEHOLDER.findall(e["msgstr"][-1])) != wanted:
            broken.append((e["msgid"], e["msgstr"][-1]))
    assert not broken


def test_the_check_reads_an_untranslated_or_fuzzy_entry_as_a_failure(tmp_path):
    """The statistics test can fail: a catalogue with one empty and one fuzzy entry."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Themes"\nmsgstr ""\n\n#, fuzzy\nmsgid "Cities"\nmsgstr "Villes"\n',
        encoding="utf-8",
    )
    _status, statistics = _msgfmt_statistics(po)
    assert "1 fuzzy translation" in statistics and "1 untranslated message" in statistics


def test_makemessages_would_add_nothing(tmp_path, settings, monkeypatch):
    """Every string marked in the code and templates is in the catalogues, and the
    catalogues hold nothing the code no longer marks: makemessages, run over a copy of
    the sources with a copy of the catalogues, leaves the set of entries unchanged."""
    for name in SOURCES:
        shutil.copytree(
            ROOT / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "migrations", "*.mo"),
        )
    shutil.copytree(ROOT / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    committed = {language: entries(catalogue_path(language)) for language in LANGUAGES}
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["fr"], verbosity=0)
    before = {key(e) for e in committed["fr"] if not e["obsolete"]}
    after_entries = entries(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    after = {key(e) for e in after_entries if not e["obsolete"]}
    assert after - before == set(), "marked but missing from the catalogues"
    assert before - after == set(), "in the catalogues but no longer marked"
    # The other catalogues hold the same entries as the French one.
    for language in LANGUAGES:
        assert {key(e) for e in committed[language]} == before, language
