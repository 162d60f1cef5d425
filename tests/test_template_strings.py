"""Every word a template shows is marked for translation: outside {% translate %} and
{% blocktranslate %}, a template holds markup, template code and punctuation only.

What makemessages cannot see it cannot put in a catalogue, and no page walk finds a
string that is English in every language because nobody marked it; this reads the
templates themselves."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Names that are the same in every language (formats), and values read by machines only
# (the viewport, a hidden input's value).
NOT_WORDS = {"JSON", "BibTeX", "width=device-width, initial-scale=1", "alpha"}
# Attributes whose values people read (or hear, from a screen reader).
READ_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt", "content", "value")
REMOVED = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S),
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
    re.compile(r"<(script|style)\b.*?</\1>", re.S),
]
ATTRIBUTE = re.compile(r'\b({})="([^"]*)"'.format("|".join(READ_ATTRIBUTES)))
TAG = re.compile(r"<[^>]*>", re.S)


def unmarked(source):
    """The words of `source` that no translation tag covers."""
    for pattern in REMOVED:
        source = pattern.sub(" ", source)
    found = [value for _name, value in ATTRIBUTE.findall(source)]
    found += TAG.sub("\n", source).splitlines()
    words = []
    for text in found:
        text = " ".join(text.split())
        if re.search(r"[A-Za-z]{2,}", text) and text not in NOT_WORDS:
            words.append(text)
    return words


def templates():
    return sorted(path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", templates())
def test_every_word_in_a_template_is_marked_for_translation(name):
    assert unmarked((TEMPLATES / name).read_text(encoding="utf-8")) == []


def test_the_check_finds_an_unmarked_heading_label_and_attribute():
    source = (
        '{% load i18n %}<h1>Page not found</h1><p>{% translate "Marked" %}</p>'
        '<label for="q">{{ form.q.label }}</label><nav aria-label="Main"></nav>'
        "{% blocktranslate %}Also marked {{ name }}{% endblocktranslate %} · 12 →"
    )
    assert unmarked(source) == ["Main", "Page not found"]
