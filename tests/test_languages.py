"""Languages in the URL: English unprefixed, /fr/ /de/ /es/ /it/ for the others; the
switcher keeps the page and its filters; hreflang alternates and <html lang> on every
page; Accept-Language chooses once, on a first visit."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import translation

from portal.text import practice_count
from practices.models import Practice

pytestmark = pytest.mark.django_db

CODES = [code for code, _name in settings.LANGUAGES]
FRENCH_BROWSER = "fr-FR,fr;q=0.9,en;q=0.5"
COOKIE = settings.LANGUAGE_COOKIE_NAME


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def switcher_links(html):
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return {
        code: href.replace("&amp;", "&")
        for href, code in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', nav)
    }


def test_english_stays_at_the_unprefixed_addresses_and_other_languages_have_a_prefix(client):
    english = client.get("/practices/")
    assert english.status_code == 200 and english["Content-Language"] == "en"
    for code in CODES[1:]:
        response = client.get(f"/{code}/practices/", {"theme": "volunteering"})
        assert response.status_code == 200
        assert response["Content-Language"] == code
        assert f'<html lang="{code}">' in response.content.decode()
    # /en/ is not an address: English has one, without a prefix.
    assert client.get("/en/practices/").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/", "/practices/", "/themes/", "/cities/vantaa/", "/benchmarks/", "/no-such-page/"],
)
@pytest.mark.parametrize("code", CODES)
def test_every_page_names_its_language_and_its_five_alternates(client, path, code):
    prefix = "" if code == "en" else f"/{code}"
    response = client.get(prefix + path, {"sort": "title"})
    html = response.content.decode()
    assert f'<html lang="{code}">' in html
    found = alternates(html)
    expected = {
        other: f"http://testserver{'' if other == 'en' else '/' + other}{path}?sort=title"
        for other in CODES
    }
    expected["x-default"] = f"http://testserver{path}?sort=title"
    assert found == expected


def test_the_switcher_keeps_the_path_and_the_filters(client):
    query = {"theme": ["volunteering", "employment-skills"], "country": "SE", "sort": "city"}
    html = client.get("/practices/", query).content.decode()
    links = switcher_links(html)
    assert set(links) == set(CODES)
    response = client.get(links["fr"])
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/fr/practices/"
    assert parse_qs(target.query) == {
        k: v if isinstance(v, list) else [v] for k, v in query.items()
    }
    assert response.cookies[COOKIE].value == "fr"
    # The French page lists what the English one did, in French.
    french = client.get(response["Location"])
    english = client.get("/practices/", query)
    assert french.context["page"].paginator.count == english.context["page"].paginator.count > 0
    assert "Filtres" in french.content.decode()
    # And back to English from the French page: the unprefixed address, filters kept.
    back = client.get(switcher_links(french.content.decode())["en"])
    assert back["Location"] == "/practices/?" + target.query
    assert back.cookies[COOKIE].value == "en"


def test_the_switcher_marks_the_current_language_and_names_each_in_itself(client):
    html = client.get("/de/themes/").content.decode()
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    assert re.search(r'hreflang="de" lang="de" aria-current="true">Deutsch<', nav)
    assert nav.count('aria-current="true"') == 1
    for name in ("English", "Français", "Deutsch", "Español", "Italiano"):
        assert f">{name}</a>" in nav


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_the_switcher_never_leaves_the_site(client, next_url):
    response = client.get("/language/fr/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_an_unknown_language_switches_to_english(client):
    response = client.get("/language/xx/", {"next": "/fr/themes/"})
    assert response["Location"] == "/themes/"


def test_a_first_visit_goes_to_the_browsers_language_and_remembers_it(client):
    response = client.get(
        "/practices/", {"theme": "volunteering"}, HTTP_ACCEPT_LANGUAGE=FRENCH_BROWSER
    )
    assert response.status_code == 302
    assert response["Location"] == "/fr/practices/?theme=volunteering"
    assert response.cookies[COOKIE].value == "fr"
    # The cookie is kept by the client: from now on the URL decides.
    again = client.get("/practices/", HTTP_ACCEPT_LANGUAGE=FRENCH_BROWSER)
    assert again.status_code == 200 and again["Content-Language"] == "en"


def test_accept_language_counts_only_without_a_cookie_and_for_a_supported_language(client):
    # English first, or a language the portal does not speak: no redirect.
    for header in ("en-GB,en;q=0.9,fr;q=0.8", "pl-PL,pl;q=0.9", "", "*"):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
        assert response.status_code == 200, header
    # A regional variant finds its language; a cookie (the switcher's) wins over it.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-AT")["Location"] == "/de/"
    client.cookies[COOKIE] = "en"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-AT").status_code == 200


def test_unprefixed_pages_say_they_vary_on_language_and_cookie(client):
    vary = client.get("/themes/")["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


@pytest.mark.parametrize(
    "path", ["/api/v1/practices/", "/healthz", "/robots.txt", "/sitemap.xml", "/favicon.ico"]
)
def test_machine_addresses_have_no_language(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=FRENCH_BROWSER)
    assert response.status_code in (200, 301)
    assert not response.get("Location", "").startswith("/fr/")
    assert client.get("/fr" + path).status_code == 404


def test_a_form_post_is_never_redirected_to_a_language(client):
    response = client.post(
        "/accounts/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200


def test_the_api_documentation_is_a_page_in_every_language(client):
    english = client.get("/api/v1/docs").content.decode()
    french = client.get("/fr/api/v1/docs").content.decode()
    assert '<html lang="en">' in english and "API documentation" in english
    assert '<html lang="fr">' in french and "Documentation de l\u2019API" in french
    assert alternates(french)["de"] == "http://testserver/de/api/v1/docs"


def test_links_on_a_french_page_stay_french(client):
    practice = Practice.objects.published().first()
    html = client.get("/fr/practices/").content.decode()
    assert f'href="/fr/practices/{practice.slug}/"' in html or "/fr/practices/" in html
    assert 'href="/fr/cities/"' in html and 'href="/cities/"' not in html


def test_facets_counted_once_read_in_each_language(client):
    """The counts are cached once for every language; labels are the request's."""
    english = client.get("/practices/").content.decode()
    french = client.get("/fr/practices/").content.decode()
    german = client.get("/de/practices/").content.decode()
    assert "<legend>Kind of record</legend>" in english and ">Strategy or plan<" in english
    assert "<legend>Type de fiche</legend>" in french and ">Stratégie ou plan<" in french
    assert "<legend>Art des Eintrags</legend>" in german and ">Strategie oder Plan<" in german
    assert ">Strategy or plan<" not in french + german


def test_counts_beside_values_read_in_each_language_in_turn():
    # The count sentences are remembered per language: asking in French after English
    # (and back) must not hand one language's sentence to the other.
    said = []
    for code in ("en", "fr", "de", "en", "fr"):
        with translation.override(code):
            said.append((practice_count(1), practice_count(12)))
    assert said == [
        ("1 practice", "12 practices"),
        ("1 pratique", "12 pratiques"),
        ("1 Praxisbeispiel", "12 Praxisbeispiele"),
        ("1 practice", "12 practices"),
        ("1 pratique", "12 pratiques"),
    ]
