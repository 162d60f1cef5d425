"""The faceted practice browser at /practices/."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse

from cities.models import City
from portal.text import words
from practices import facet_bitmaps
from practices.browse import Browse
from practices.models import Practice

from . import factories
from .expectations import matches

pytestmark = pytest.mark.django_db
URL = reverse("practices:list")


def slugs_on_page(response):
    return [p.slug for p in response.context["practices"]]


def all_result_slugs(client, query):
    """Every matching practice across all pages, in order."""
    slugs, page = [], 1
    while True:
        response = client.get(URL, {**query, "page": page})
        slugs += slugs_on_page(response)
        if not response.context["page"].has_next():
            return slugs
        page += 1


def shown():
    """What the browser lists when no kind is asked for: published initiatives and
    strategies (publications, tools and statements need `kind`)."""
    return Practice.objects.published().filter(kind__in=["initiative", "strategy"])


def facet(response, name):
    return {
        v.value: v.count for f in response.context["facets"] if f.name == name for v in f.values
    }


def test_it_lists_published_practices_with_a_count(client):
    response = client.get(URL)
    assert response.status_code == 200
    expected = shown().count()
    assert response.context["page"].paginator.count == expected
    assert f"<strong>{expected}</strong> practices" in response.content.decode()


def test_values_within_a_facet_combine_with_or(client):
    response = client.get(URL, {"theme": ["roma-inclusion", "language-learning"]})
    expected = set(
        shown()
        .filter(themes__slug__in=["roma-inclusion", "language-learning"])
        .values_list("slug", flat=True)
    )
    assert (
        set(all_result_slugs(client, {"theme": ["roma-inclusion", "language-learning"]}))
        == expected
    )
    assert response.context["page"].paginator.count == len(expected)
    roma_only = shown().filter(themes__slug="roma-inclusion").count()
    assert len(expected) > roma_only > 0


def test_facets_combine_with_and(client):
    query = {"theme": ["employment-skills"], "country": ["SE", "FI"]}
    expected = set(
        shown()
        .filter(themes__slug="employment-skills", city__country__code__in=["SE", "FI"])
        .values_list("slug", flat=True)
    )
    assert expected
    assert set(all_result_slugs(client, query)) == expected


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"theme": ["employment-skills"]},
        {"theme": ["employment-skills", "anti-discrimination"], "country": ["DE"]},
        {"country": ["SE", "NL"], "status": ["ongoing"]},
        {"q": "migrants", "theme": ["education-youth"]},
        {"kind": ["publication", "statement"], "theme": ["anti-discrimination"]},
    ],
)
def test_facet_counts_match_an_independent_count(client, query):
    """Each value's count = matches of all *other* filters that also have this value."""
    response = client.get(URL, query)
    published = Practice.objects.published()
    kinds = query.get("kind", ["initiative", "strategy"])

    def matching(exclude):
        rows = published
        if exclude != "kind":
            rows = rows.filter(kind__in=kinds)
        if "q" in query:
            found = [
                pk
                for pk, document in rows.values_list("pk", "search_document")
                if matches(words(document), query["q"])
            ]
            rows = rows.filter(pk__in=found)
        if exclude != "theme" and query.get("theme"):
            rows = rows.filter(
                pk__in=published.filter(themes__slug__in=query["theme"]).values("pk")
            )
        if exclude != "country" and query.get("country"):
            own = Q(city__isnull=True, country__code__in=query["country"])
            rows = rows.filter(Q(city__country__code__in=query["country"]) | own)
        if exclude != "status" and query.get("status"):
            rows = rows.filter(status__in=query["status"])
        return list(rows.prefetch_related("themes", "tags").select_related("city__country"))

    themes, countries, tags, statuses, by_kind = {}, {}, {}, {}, {}
    for practice in matching("kind"):
        by_kind[practice.kind] = by_kind.get(practice.kind, 0) + 1
    for practice in matching("theme"):
        for theme in practice.themes.all():
            themes[theme.slug] = themes.get(theme.slug, 0) + 1
    for practice in matching("country"):
        code = practice.city.country_id if practice.city_id else practice.country_id
        if code:
            countries[code] = countries.get(code, 0) + 1
    for practice in matching("tag"):
        for tag in practice.tags.all():
            tags[tag.slug] = tags.get(tag.slug, 0) + 1
    for practice in matching("status"):
        statuses[practice.status] = statuses.get(practice.status, 0) + 1

    assert facet(response, "theme") == {**dict.fromkeys(query.get("theme", []), 0), **themes}
    assert facet(response, "country") == {**dict.fromkeys(query.get("country", []), 0), **countries}
    assert facet(response, "tag") == tags
    assert facet(response, "status") == {**dict.fromkeys(query.get("status", []), 0), **statuses}
    assert facet(response, "kind") == {**dict.fromkeys(query.get("kind", []), 0), **by_kind}


def test_organisation_counts_include_partners_once(client):
    response = client.get(URL)
    counts = facet(response, "organisation")
    published = shown()
    for slug in ["eurocities", "council-of-europe", "salvation-army-sweden"]:
        expected = (
            published.filter(lead_organisation__slug=slug).count()
            + published.filter(partners__slug=slug).exclude(lead_organisation__slug=slug).count()
        )
        assert counts.get(slug, 0) == expected > 0


def test_the_factor_facet_finds_illustrating_practices(client):
    response = client.get(URL, {"factor": "A1"})
    expected = set(
        Practice.objects.published()
        .filter(illustrations__factor__code="A1")
        .values_list("slug", flat=True)
    )
    assert set(slugs_on_page(response)) == expected


def test_search_is_accent_and_case_insensitive(client):
    malmo = City.objects.get(slug="malmo")
    expected = set(Practice.objects.published().filter(city=malmo).values_list("slug", flat=True))
    for query in ("malmo", "MALMÖ", "Malmö"):
        found = set(all_result_slugs(client, {"q": query}))
        assert expected <= found, query


def test_two_word_search_needs_both_words(client):
    both = set(all_result_slugs(client, {"q": "Crossroads Stockholm"}))
    assert "stockholm-crossroads" in both
    assert set(all_result_slugs(client, {"q": "Crossroads Vilnius"})) == set()


def test_sorting_by_newest_puts_recent_start_years_first(client):
    response = client.get(URL, {"sort": "newest"})
    years = [p.start_year for p in response.context["practices"] if p.start_year]
    assert years == sorted(years, reverse=True)
    assert years


def test_active_filters_become_removable_chips(client):
    response = client.get(URL, {"theme": ["volunteering", "anti-rumour"], "country": "ES"})
    chips = {(c.param, c.value_label): c.query.urlencode() for c in response.context["chips"]}
    assert chips[("theme", "Volunteering")] == "theme=anti-rumour&country=ES"
    assert chips[("country", "Spain")] == "theme=volunteering&theme=anti-rumour"
    assert "Clear all" in response.content.decode()


def test_an_empty_result_offers_to_drop_the_last_filter(client):
    response = client.get(URL, {"theme": "roma-inclusion", "country": "FI"})
    assert response.context["page"].paginator.count == 0
    text = response.content.decode()
    assert "No practice matches" in text
    assert response.context["without_last"].urlencode() == "theme=roma-inclusion"


def test_unknown_facet_values_are_ignored_and_reported(client):
    response = client.get(URL, {"theme": ["no-such-theme", "volunteering"], "city": "atlantis"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ignored theme &#x27;no-such-theme&#x27;" in text
    assert "Ignored city &#x27;atlantis&#x27;" in text
    volunteering = shown().filter(themes__slug="volunteering").count()
    assert response.context["page"].paginator.count == volunteering


def test_only_unknown_values_filter_nothing(client):
    response = client.get(URL, {"theme": "no-such-theme"})
    assert response.context["page"].paginator.count == shown().count()


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999"},
        {"q": "x" * 10_000},
        {"q": "!!! ??? ..."},
        {"q": "'; DROP TABLE practices_practice; --"},
        {"year_from": "two thousand"},
        {"year_to": "99999999999999999999"},
        {"sort": "<script>"},
        {"theme": ["a" * 5000] * 60},
        {"facet_sort": "sideways"},
        {"q": "\x00"},
    ],
)
def test_bad_input_never_gives_a_500(client, query):
    response = client.get(URL, query)
    assert response.status_code == 200


def test_a_page_past_the_end_shows_the_last_page(client):
    response = client.get(URL, {"page": "99999"})
    page = response.context["page"]
    assert page.number == page.paginator.num_pages


def test_a_search_of_only_punctuation_says_so(client):
    response = client.get(URL, {"q": "!!! ..."})
    assert "no letters or digits" in response.content.decode()
    assert response.context["page"].paginator.count == shown().count()


def test_a_malformed_year_is_reported(client):
    response = client.get(URL, {"year_from": "soon"})
    assert "Ignored started from &#x27;soon&#x27;" in response.content.decode()


def test_drafts_are_invisible_to_anonymous_users(client):
    draft = factories.practice(title="Secret draft practice", is_published=False)
    assert draft.slug not in all_result_slugs(client, {"q": "secret draft"})
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Secret draft" not in client.get(draft.city.get_absolute_url()).content.decode()


def test_staff_see_drafts(client, superuser):
    draft = factories.practice(title="Secret draft practice", is_published=False)
    client.force_login(superuser)
    assert draft.slug in all_result_slugs(client, {"q": "secret draft"})
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_the_partial_serves_only_the_browser(client):
    response = client.get(URL, {"partial": "1", "theme": "volunteering"})
    text = response.content.decode()
    assert 'id="facet-form"' in text
    assert "<html" not in text


def test_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(22):
        client.get(
            URL, {"theme": ["volunteering", "employment-skills"], "country": "SE", "q": "city"}
        )
    for _ in range(30):
        factories.practice(themes=("volunteering", "employment-skills"), tags=("extra",))
    with django_assert_max_num_queries(22):
        response = client.get(URL, {"theme": ["volunteering"], "tag": "extra"})
    assert response.context["page"].paginator.count == 30


@pytest.mark.parametrize("language", ["fr", "de"])
def test_query_count_does_not_grow_with_results_in_other_languages(
    client, language, django_assert_max_num_queries
):
    # The choice facets are relabelled per request, from the same cached counts.
    url = f"/{language}{URL}"
    with django_assert_max_num_queries(22):
        client.get(url, {"theme": ["volunteering"], "country": "SE", "q": "city"})
    for _ in range(30):
        factories.practice(themes=("volunteering", "employment-skills"), tags=("extra",))
    with django_assert_max_num_queries(22):
        response = client.get(url, {"theme": ["volunteering"], "tag": "extra"})
    assert response["Content-Language"] == language
    assert response.context["page"].paginator.count == 30


def test_an_admin_edit_refreshes_the_search_document(django_capture_on_commit_callbacks):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    with django_capture_on_commit_callbacks(execute=True):
        practice.title = "Crossroads Zanzibarian pilot"
        practice.save()
    practice.refresh_from_db()
    assert " zanzibarian " in practice.search_document
    assert Practice.objects.search("zanzibar").filter(pk=practice.pk).exists()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (URL, {"theme": "\x00", "city": "ma\x00lmo", "q": "\x00malmo"}),
        (reverse("cities:list"), {"name": "ma\x00"}),
        (reverse("cities:organisations"), {"name": "\x00", "kind": "\x00"}),
        (reverse("cities:contacts_export"), {"city": "\x00"}),
        (reverse("benchmarks:compare", args=["values-theme-a"]), {"city": ["\x00", "riga"]}),
        (reverse("benchmarks:compare_export", args=["values-theme-a"]), {"city": "va\x00ntaa"}),
    ],
)
def test_nul_bytes_in_parameters_are_harmless(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200


def test_a_long_facet_collapses_and_expands_on_request(client):
    for _ in range(65):
        factories.practice()
    cities = City.objects.filter(practices__is_published=True).distinct().count()
    assert cities > 60
    text = client.get(URL).content.decode()
    assert text.count('name="city"') < 20
    assert f"Show all {cities} city values" in text
    expanded = client.get(URL, {"expand": "city"}).content.decode()
    assert expanded.count('name="city"') == cities


def test_a_ticked_value_shows_even_in_a_collapsed_facet(client):
    for _ in range(65):
        factories.practice()
    last = City.objects.order_by("-pk").first()
    response = client.get(URL, {"city": last.slug, "theme": "social-cohesion"})
    facet = next(f for f in response.context["facets"] if f.name == "city")
    assert facet.collapsed
    assert last.slug in [v.value for v in facet.top + facet.rest]


# ----- the kind of record -------------------------------------------------------------


def test_without_a_kind_the_browser_shows_initiatives_and_strategies_and_says_so(client):
    response = client.get(URL)
    assert set(all_result_slugs(client, {})) == set(shown().values_list("slug", flat=True))
    hidden = Practice.objects.published().filter(kind__in=["publication", "statement"]).count()
    assert hidden >= 23
    text = response.content.decode()
    assert "Showing kind of record: Initiative and Strategy or plan" in text
    assert f"({hidden} matching records of other kinds not shown)" in text
    # No chip: the default is not a filter the visitor set, and "Clear all" keeps it.
    assert [c.param for c in response.context["chips"]] == []
    # The kind facet counts every kind, what ticking each would give.
    assert facet(response, "kind")["publication"] == (
        Practice.objects.published().filter(kind="publication").count()
    )


def test_the_show_all_kinds_link_shows_every_published_record(client):
    response = client.get(URL, {"theme": "anti-discrimination"})
    (note,) = response.context["default_notes"]
    link = note.show_all
    assert sorted(link.getlist("kind")) == ["initiative", "publication", "statement", "strategy"]
    assert link.getlist("theme") == ["anti-discrimination"]
    assert f"?{link.urlencode().replace('&', '&amp;')}" in response.content.decode()
    everything = set(all_result_slugs(client, link))
    assert everything == set(
        Practice.objects.published()
        .filter(themes__slug="anti-discrimination")
        .values_list("slug", flat=True)
    )
    assert "council-of-europe-bookmarks-manual" in everything


def test_asking_for_a_kind_shows_only_it_and_drops_the_note(client):
    response = client.get(URL, {"kind": "publication"})
    slugs = set(all_result_slugs(client, {"kind": "publication"}))
    assert slugs == set(
        Practice.objects.published().filter(kind="publication").values_list("slug", flat=True)
    )
    assert response.context["default_notes"] == []
    assert "Showing kind of record" not in response.content.decode()
    assert [(c.param, c.value_label) for c in response.context["chips"]] == [
        ("kind", "Publication or tool")
    ]


def test_other_facets_count_only_the_kinds_shown(client):
    response = client.get(URL)
    counts = facet(response, "organisation")
    assert (
        counts.get("council-of-europe", 0)
        == shown().filter(lead_organisation__slug="council-of-europe").count()
    )
    assert counts["council-of-europe"] < (
        Practice.objects.published().filter(lead_organisation__slug="council-of-europe").count()
    )


def test_an_unknown_kind_is_reported_and_the_default_stays(client):
    response = client.get(URL, {"kind": "rumour"})
    assert "Ignored kind of record &#x27;rumour&#x27;" in response.content.decode()
    assert response.context["page"].paginator.count == shown().count()


def test_theme_counts_elsewhere_match_the_browser_they_link_to(client):
    themes = {t.slug: t.practice_count for t in client.get("/themes/").context["themes"]}
    for slug in ("anti-discrimination", "volunteering"):
        browser = client.get(URL, {"theme": slug}).context["page"].paginator.count
        assert themes[slug] == browser > 0


@pytest.mark.parametrize("probed", [0, facet_bitmaps.PROBED])
@pytest.mark.parametrize("walk_limit", [10, facet_bitmaps.WALK_LIMIT])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "theme=volunteering",
        "q=language",
        "q=refugee&country=DE",
        "q=migrants&theme=volunteering&year_from=2010",
        "kind=publication&sort=newest",
        "sort=city",
        "country=IT&country=ES&sort=title",
        "year_from=2015&theme=volunteering",
    ],
)
def test_every_way_of_reading_a_page_gives_the_filtered_sql_slice(
    query, probed, walk_limit, monkeypatch, superuser
):
    # probed 0 sends every title-ordered page through the index walk and makes every
    # id set a bytea of bits on PostgreSQL; walk_limit 10 makes the walk give up and
    # leave the page to SQL: each path against the plain one.
    monkeypatch.setattr(facet_bitmaps, "PROBED", probed)
    monkeypatch.setattr(facet_bitmaps, "WALK_LIMIT", walk_limit)
    walked = []
    real_walk = facet_bitmaps.walk
    monkeypatch.setattr(
        facet_bitmaps, "walk", lambda *args: walked.append(real_walk(*args)) or walked[-1]
    )
    for user in (AnonymousUser(), superuser):
        browse = Browse(QueryDict(query), user)
        browse.facets()
        expected = list(browse.results().values_list("pk", flat=True))
        assert expected, query
        for bottom in sorted({0, 20, max(len(expected) - 7, 0)}):
            assert browse.page_ids(bottom, bottom + 20) == expected[bottom : bottom + 20], (
                query,
                user,
                bottom,
            )
    # A search's relevance is the title order where the database does not rank.
    title_ordered = "sort=" not in query and ("q=" not in query or connection.vendor == "sqlite")
    if probed == 0 and walk_limit > 10 and title_ordered:
        assert walked and None not in walked, "the title-ordered pages were walked"
