"""Word variants for search, per language: which stems a word stands for.

PostgreSQL stems with its own text-search configurations (search.py names them); SQLite
has no stemmer but FTS5's English `porter`, so the words are stemmed here, with the
Snowball stemmers (the `snowballstemmer` package), before FTS5 indexes them. Snowball's
English is Porter2, the stemmer PostgreSQL's `english` configuration uses too, so both
databases find the same English variants (FTS5's `porter` is the 1980 Porter stemmer,
which stems differently: "generously" and "general" share a stem there).
"""

import threading
from functools import lru_cache

import snowballstemmer
from django.conf import settings
from django.utils import translation

# The portal's content languages and the Snowball (and PostgreSQL) name of each.
STEMMERS = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian"}
ORIGINAL = "en"

# English plurals no stemmer joins to their singular: a document holding one form is
# also indexed under the other, so "woman" finds "women". Both ways, both databases.
IRREGULAR = {
    "woman": "women",
    "man": "men",
    "child": "children",
    "person": "people",
    "foot": "feet",
    "tooth": "teeth",
}
IRREGULAR |= {plural: singular for singular, plural in IRREGULAR.items()}

_local = threading.local()


def search_language():
    """The language a search runs in: the page's, when the portal has content in it."""
    language = (translation.get_language() or ORIGINAL).split("-")[0]
    return language if language in settings.MODELTRANSLATION_LANGUAGES else ORIGINAL


def _stemmer(language):
    # Snowball stemmer objects keep state between calls: one per thread and language.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(STEMMERS[language])
    return stemmers[language]


@lru_cache(maxsize=100_000)
def stem(word, language):
    """The stem of one folded word (portal.text.words) in `language`."""
    return _stemmer(language).stemWord(word)


def with_variants(words):
    """English words and the irregular forms that stand for the same word."""
    return [*words, *(IRREGULAR[w] for w in words if w in IRREGULAR)]


def stem_tokens(words, language, prefix):
    """Words stemmed in `language`, each marked with the language of the index they go
    to (`prefix`): "fr_benevol". SQLite's index holds every language's tokens in one
    column; the mark keeps a French search to the French document."""
    return [f"{prefix}_{stem(w, language)}" for w in words]
