"""Text folding shared by the search document and the search query.

Both sides go through `words()`, so SQLite's FTS5 index and PostgreSQL's full-text
search (the 'simple' configuration, prefix terms) see the same tokens and find the same
practices: "malmo" finds "Malmö", "kraków" finds "Krakow".
"""

import functools
import re
import unicodedata

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language, ngettext

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Letters that NFKD does not split into base letter + accent.
_EXTRA = str.maketrans(
    {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "\u0131": "i"}
)


def words(text):
    """Lower-case ASCII words of `text`, accents dropped and punctuation as separators."""
    if not text:
        return []
    text = unicodedata.normalize("NFKD", str(text).lower().translate(_EXTRA))
    text = text.encode("ascii", "ignore").decode("ascii")
    return [w for w in _NON_WORD.split(text) if w]


def fold(text):
    return " ".join(words(text))


def sort_key(text, max_length=300):
    """What a title sorts by: folded words only, so that quotes, leading punctuation,
    case and accents do not move it ("'Brivpratigie.lv'" sorts as "brivpratigie lv"),
    and the same bytes on every database."""
    return fold(text)[:max_length]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_param(value, max_length=100):
    """A query-string value made safe to compare in SQL: control characters (PostgreSQL
    refuses NUL in text) removed, spaces trimmed, length capped."""
    return _CONTROL.sub("", str(value)).strip()[:max_length]


def in_sentence(label):
    """A label as it reads inside a sentence: lower-cased ("Show all 12 theme values"),
    except in German, whose nouns keep their capital ("Alle 12 Werte: Thema")."""
    text = str(label)
    return text if (get_language() or "").startswith("de") else text.lower()


_per_language = []


def per_language(plural):
    """Remember plural(count), a sentence chosen by ngettext() for a count, per active
    language. Inside a request one ngettext() call costs about 30 us (a chain of
    catalogues, looked up through asgiref's request-local state); the browser page asks
    about 400 of them (a count beside each facet value, each city on the map and in its
    list) for a few dozen distinct counts: remembered, the one-theme page's drawing
    took 10.3 ms rather than 11.3 (medians of 15, twice). Forgotten when the
    catalogues are (setting_changed, as Django's own translations do)."""
    remembered = functools.lru_cache(maxsize=4096)(lambda _language, count: plural(count))
    _per_language.append(remembered)

    @functools.wraps(plural)
    def wrapper(count):
        return remembered(get_language(), count)

    return wrapper


@receiver(setting_changed)
def _catalogues_changed(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        for remembered in _per_language:
            remembered.cache_clear()


@per_language
def _practices(count):
    return ngettext("%(counter)s practice", "%(counter)s practices", count)


def practice_count(count):
    """ "1 practice", "12 practices", in the active language: the count beside a facet
    value and beside a city in a map's list."""
    return _practices(count) % {"counter": count}
