"""The home page as a front door, the cities table, the practice page built for
reading (facts panel, citation block) and the browser's folding filters."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from benchmarks.models import Benchmark
from cities.models import City, Network
from practices import cite
from practices.models import Practice, Theme

from . import factories

pytestmark = pytest.mark.django_db


def text_of(response):
    return unescape(response.content.decode())


# ----- home ---------------------------------------------------------------------------


def test_the_home_page_lists_the_most_recently_added_published_practices(client):
    older = factories.practice(title="Zz older addition")
    draft = factories.practice(title="Zz newest draft", is_published=False)
    newest = factories.practice(title="Zz newest addition")
    recent = list(client.get(reverse("home")).context["recent"])
    assert recent[0] == newest and recent[1] == older
    assert draft not in recent
    assert all(p.is_published for p in recent)
    page = text_of(client.get(reverse("home")))
    assert page.index("Zz newest addition") < page.index("Zz older addition")
    assert "Zz newest draft" not in page


def test_the_home_page_leads_to_themes_networks_the_benchmark_and_the_map(client):
    page = text_of(client.get(reverse("home")))
    for theme in Theme.objects.with_practice_counts():
        assert f'{theme.name}</a> <span class="count">{theme.practice_count}</span>' in page
    for network in Network.objects.all():
        assert f'href="{network.get_absolute_url()}">{network.name}</a>' in page
    assert f'href="{reverse("benchmarks:list")}">The VALUES benchmark</a>' in page
    for benchmark in Benchmark.objects.all():
        assert benchmark.get_absolute_url() in page
    assert 'class="city-map"' in page


# ----- cities --------------------------------------------------------------------------


def test_the_cities_table_gives_population_country_practices_and_networks(client):
    page = text_of(client.get(reverse("cities:list")))
    amposta = City.objects.get(slug="amposta")
    assert amposta.population
    row = re.search(r'<tr[^>]*>\s*<th scope="row"><a href="/cities/amposta/">.*?</tr>', page, re.S)
    cells = re.sub(r"<[^>]+>", "|", row.group(0))
    assert f"{amposta.population:,}" in cells and amposta.country.name in cells
    count = amposta.practices.filter(is_published=True).count()
    assert f"|{count}|" in cells
    for membership in amposta.memberships.all():
        assert membership.network.name in cells
    assert 'id="country-FI"' in page  # Country.get_absolute_url() still lands somewhere


def test_sort_links_keep_the_name_filter(client):
    response = client.get(reverse("cities:list"), {"name": "an", "sort": "population"})
    page = response.content.decode()
    for sort in ("name", "country", "practices"):
        assert f'href="?name=an&amp;sort={sort}"' in page
    assert 'aria-sort="descending">Population</th>' in page
    assert all("an" in city.name.lower() for city in response.context["cities"])


# ----- practice page --------------------------------------------------------------


def facts_panel(page):
    return re.search(r'<aside class="practice-facts".*?</aside>', page, re.S).group(0)


def test_the_facts_panel_has_what_a_reader_looks_for_first(client):
    practice = Practice.objects.for_detail().get(slug="stockholm-vida")
    panel = facts_panel(text_of(client.get(practice.get_absolute_url())))
    expected = [
        practice.city.name,
        practice.city.country.name,
        practice.lead_organisation.name,
        *[p.name for p in practice.partners.all()],
        practice.period,
        practice.get_status_display(),
        *[f.name for f in practice.funding_sources.all()],
        *[g.name for g in practice.target_groups.all()],
        *[i.factor.code for i in practice.illustrations.all()],
        *[f'href="mailto:{c.email}"' for c in practice.contacts.all() if c.email],
        *[c.document.title for c in practice.citations.all()],
        "Last updated",
        localdate(practice.updated).isoformat(),
    ]
    missing = [fact for fact in expected if fact not in panel]
    assert missing == []
    assert practice.contacts.exists() and practice.illustrations.exists()


def test_the_practice_page_tells_how_to_cite_it(client):
    practice = Practice.objects.get(slug="stockholm-vida")
    response = client.get(practice.get_absolute_url())
    page = text_of(response)
    url = f"http://testserver{practice.get_absolute_url()}"
    block = re.search(r'<section class="cite-block".*?</section>', page, re.S).group(0)
    plain, bibtex = re.findall(r"<pre>(.*?)</pre>", block, re.S)
    assert plain.startswith(f"{practice.lead_organisation.name} ({practice.start_year}). ")
    assert practice.title in plain and url in plain
    assert f"last updated {localdate(practice.updated).isoformat()}" in plain
    assert bibtex.startswith(f"@misc{{{practice.slug},\n")
    assert f"  url = {{{url}}},\n" in bibtex
    assert f"  year = {{{practice.start_year}}},\n" in bibtex
    assert bibtex.count("{") == bibtex.count("}")


def test_bibtex_escapes_what_tex_would_read_as_commands(client):
    practice = factories.practice(title="Jobs & skills: 100% #1_a {draft}", start_year=None)
    entry = cite.bibtex(practice, "https://portal.example/x/")
    assert r"title = {{Jobs \& skills: 100\% \#1\_a \{draft\}}}" in entry
    assert "year =" not in entry
    assert "(n.d.)" in cite.plain(practice, "https://portal.example/x/")


# ----- browser ------------------------------------------------------------------------


def test_the_filters_panel_says_how_many_filters_are_active(client):
    page = client.get(
        reverse("practices:list"), {"theme": ["volunteering", "employment-skills"], "country": "SE"}
    )
    assert "Filters (3 active)</summary>" in page.content.decode()
    assert "Filters (0 active)</summary>" in client.get(reverse("practices:list")).content.decode()
