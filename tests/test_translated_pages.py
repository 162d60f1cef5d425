"""Every public page, the assessment form and the 404 page answer in French, German,
Spanish and Italian with no English interface string left.

For each page and language the test reads what a visitor reads (text, and the labels
screen readers speak) and looks for the English of every catalogue entry whose
translation differs: any one found is an interface string the page did not translate
(unmarked in a context, missing from the compiled catalogue, or built around a
translation). Content is not the interface: the knowledge base's own names (themes,
cities, organisations...) are set aside. The same search over the English page must
find the interface, so the check is seen to work."""

import functools
import re
from html import unescape

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import CharField, TextField

from benchmarks.models import Benchmark, ContextualFactor, Factor
from cities.models import City, Country, Network, Organisation
from practices.models import FundingSource, Practice, TargetGroup, Theme
from sources.models import SourceDocument

from .po import LANGUAGES, catalogue_path, entries

pytestmark = pytest.mark.django_db

PAGES = {
    "home": "/",
    "browse": "/practices/?theme=volunteering&sort=title",
    "browse-nothing-found": "/practices/?q=zzyzx&theme=volunteering",
    "practice": "/practices/stockholm-crossroads/",
    "themes": "/themes/",
    "cities": "/cities/",
    "city": "/cities/vantaa/",
    "organisations": "/organisations/",
    "organisation": "/organisations/eurocities/",
    "networks": "/networks/",
    "network": "/networks/values-project/",
    "sources": "/practices/sources/",
    "source": "/practices/sources/mechelen-2024/",
    "benchmarks": "/benchmarks/",
    "benchmark": "/benchmarks/values-theme-a/",
    "contextual-factors": "/benchmarks/contextual-factors/",
    "compare": "/benchmarks/values-theme-a/compare/",
    "assessment-form": "/benchmarks/assess/vantaa/values-theme-a/",
    "sign-in": "/accounts/login/",
    "not-found": "/practices/no-such-practice/",
    "api-docs": "/api/v1/docs",
}
SIGNED_IN = {"assessment-form"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
# Placeholders that stand for a number (or a code), and what each kind may match.
NUMBERS = {
    "counter",
    "count",
    "number",
    "pages",
    "size",
    "active",
    "drawn",
    "omitted",
    "months",
    "more",
    "wait",
    "year",
    "named",
    "failure_limit",
    "minutes",
    "change",
    "fall",
    "page",
    "largest",
    "percent",
    "code",
}
NUMBER = r"\d[\d.,\u00a0\u202f]{0,10}"
ANY = r".{1,200}?"
INLINE = re.compile(r"</?(?:a|strong|em|span|code|time|cite|abbr|b|i)\b[^>]*>")
SPOKEN = re.compile(r'\b(?:aria-label|placeholder|title|alt)="([^"]*)"')


def visible_texts(html):
    """The page's text runs (inline markup joined, as a sentence reads) and the values
    of the attributes people read or hear."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    spoken = SPOKEN.findall(html)
    runs = re.split(r"<[^>]*>", INLINE.sub("", html))
    texts = (" ".join(unescape(text).split()) for text in runs + spoken)
    return [text for text in texts if text]


def _plain(text):
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def english_pattern(english):
    """A regex for an entry's English as a page renders it, or None when it is too
    short to tell apart ("or", a lone "%(count)s")."""
    text = _plain(english)
    parts = PLACEHOLDER.split(text)
    if len(re.findall(r"[A-Za-z]", "".join(parts))) < 4:
        return None
    body = re.escape(parts[0])
    for name, part in zip(PLACEHOLDER.findall(text), parts[1:], strict=True):
        body += (NUMBER if name.strip("%(){}sd") in NUMBERS else ANY) + re.escape(part)
    if " " not in text.strip():
        return re.compile(body)  # one word: a whole text run, never part of one
    return re.compile(rf"(?<!\w){body}(?!\w)")


@functools.cache
def interface(language):
    """[(msgid, pattern)] of the catalogue's entries whose English a page in `language`
    never shows: not found in any translation in that language (the German for
    "Filters" is "Filter", the French for "Organisation" is "Organisation")."""
    catalogue = entries(catalogue_path(language))
    translations = [
        PLACEHOLDER.sub("1", _plain(text)) for entry in catalogue for text in entry["msgstr"]
    ]
    found = []
    for entry in catalogue:
        for english in filter(None, (entry["msgid"], entry["msgid_plural"])):
            pattern = english_pattern(english)
            if pattern is None or any(pattern.search(text) for text in translations):
                continue
            found.append((english, pattern))
    return found


def content_names():
    """A regex of the knowledge base's own words (names and titles): shown as stored,
    translated or not as content, so never read as interface."""
    names = set()
    for model, field in [
        (Theme, "name"),
        (TargetGroup, "name"),
        (FundingSource, "name"),
        (Country, "name"),
        (City, "name"),
        (Organisation, "name"),
        (Network, "name"),
        (Practice, "title"),
        (Benchmark, "title"),
        (Factor, "title"),
        (ContextualFactor, "title"),
        (SourceDocument, "title"),
    ]:
        names |= set(model.objects.values_list(field, flat=True))
    names = sorted({" ".join(name.split()) for name in names if name}, key=len, reverse=True)
    return re.compile("|".join(re.escape(name) for name in names))


@functools.cache
def content_corpus():
    """Every text the knowledge base stores (descriptions, summaries, roles...), one
    string: a text run found in it is content ("counted more than 100 cities")."""
    texts = []
    for app in ("sources", "cities", "practices", "benchmarks"):
        for model in apps.get_app_config(app).get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, CharField | TextField) and not f.choices
            ]
            for row in model.objects.values_list(*fields):
                texts += [" ".join(str(value).split()) for value in row if value]
    return "\x01".join(texts)


def english_left(texts, language, content):
    runs = [(text, content.sub("\x00", text)) for text in texts]
    left = []
    for english, pattern in interface(language):
        single = not pattern.pattern.startswith("(?<!")
        for text, masked in runs:
            found = pattern.fullmatch(masked) if single else pattern.search(masked)
            if not found or text in content_corpus():
                continue
            # Part of a longer run (a citation: title, section, page) that the stored
            # content says word for word is content too.
            if found.group(0) != masked and found.group(0) in content_corpus():
                continue
            left.append((english, text[:120]))
            break
    return left


def render(client, path, language):
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    response = client.get(prefix + path)
    assert response.status_code in (200, 404), (prefix + path, response.status_code)
    assert f'<html lang="{language}">' in response.content.decode()
    return visible_texts(response.content.decode())


@pytest.fixture
def page_client(client, superuser, request):
    name = request.node.callspec.params["name"]
    if name in SIGNED_IN:
        client.force_login(superuser)
    return client


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_english_interface_string_is_left_on_the_page(page_client, name, language):
    content = content_names()
    left = english_left(render(page_client, PAGES[name], language), language, content)
    assert left == [], f"{name} in {language}: English left: {left}"


@pytest.mark.parametrize("name", list(PAGES))
def test_the_same_search_finds_the_interface_on_the_english_page(page_client, name):
    """The check above can fail: run over the English page, it finds the interface."""
    content = content_names()
    found = english_left(render(page_client, PAGES[name], "en"), "fr", content)
    assert len(found) >= 5, found
