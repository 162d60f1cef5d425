"""Text folding shared by the search document and the search query.

Both sides go through `words()`, so SQLite's FTS5 index and PostgreSQL's full-text
search (the 'simple' configuration, prefix terms) see the same tokens and find the same
practices: "malmo" finds "Malmö", "kraków" finds "Krakow".
"""

import re
import unicodedata

from django.utils.translation import ngettext

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
    from django.utils.translation import get_language

    text = str(label)
    return text if (get_language() or "").startswith("de") else text.lower()


def practice_count(count):
    """ "1 practice", "12 practices", in the active language: the count beside a facet
    value and beside a city in a map's list."""
    return ngettext("%(counter)s practice", "%(counter)s practices", count) % {"counter": count}
