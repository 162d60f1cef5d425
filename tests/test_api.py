"""The read API's practice list: the browser's filters, counts and order, a page at a time."""

import pytest
from django.db.models import Count
from django.urls import reverse
from taggit.models import Tag

from benchmarks.models import Factor
from cities.models import City, Country, Network, Organisation
from practices.models import FundingSource, Practice, TargetGroup, Theme
from sources.models import SourceDocument

from . import factories
from .test_export import EXPORT, rows

pytestmark = pytest.mark.django_db
API = reverse("api:practices")
BROWSER = reverse("practices:list")


MAX_PAGES = 300


def api_pages(client, query, page_size=7):
    """Every page of the API's list for `query`, following `next` links (a cursor that
    never moves on fails here rather than looping)."""
    pages = []
    response = client.get(API, {**query, "page_size": page_size, "facets": "0"})
    while len(pages) < MAX_PAGES:
        assert response.status_code == 200, response.content
        pages.append(response.json())
        if pages[-1]["next"] is None:
            return pages
        response = client.get(pages[-1]["next"])
    raise AssertionError(f"still a next page after {MAX_PAGES} pages")


def api_ids(client, query, page_size=7):
    return [p["id"] for page in api_pages(client, query, page_size) for p in page["results"]]


def most_used(model, relation, n):
    rows = model.objects.filter(**{f"{relation}__is_published": True})
    return list(
        rows.annotate(n=Count(relation)).order_by("-n", "pk").values_list("slug", flat=True)[:n]
    )


def real_combinations():
    """Filter combinations built from what the knowledge base holds: its busiest themes,
    countries, cities, organisations and other facets, alone and together, in every
    order, with a search word taken from a real title and a real start year."""
    themes = most_used(Theme, "practices", 4)
    countries = list(
        Country.objects.filter(cities__practices__is_published=True)
        .annotate(n=Count("cities__practices"))
        .order_by("-n", "code")
        .values_list("code", flat=True)[:3]
    )
    city = most_used(City, "practices", 1)[0]
    organisation = most_used(Organisation, "led_practices", 1)[0]
    target_group = most_used(TargetGroup, "practices", 1)[0]
    funding = most_used(FundingSource, "practices", 1)[0]
    network = Network.objects.filter(memberships__city__practices__is_published=True).first().slug
    factor = Factor.objects.filter(illustrations__practice__is_published=True).first().code
    tag = (
        Tag.objects.filter(
            taggit_taggeditem_items__object_id__in=Practice.objects.published().values("pk")
        )
        .first()
        .slug
    )
    source = SourceDocument.objects.order_by("key").first().key
    practice = Practice.objects.published().exclude(start_year=None).order_by("pk").first()
    word = max(practice.title.split(), key=len).strip(".,:'\"()")
    return [
        {},
        {"sort": "newest"},
        {"sort": "city"},
        {"theme": themes[0]},
        {"theme": themes[:2], "sort": "newest"},
        {"theme": themes[2:4], "country": countries[0], "sort": "city"},
        {"country": countries},
        {"country": countries[1], "status": ["ongoing", "unknown"]},
        {"city": city, "sort": "newest"},
        {"organisation": organisation},
        {"target_group": target_group, "theme": themes[0]},
        {"funding": funding},
        {"network": network, "sort": "city"},
        {"factor": factor},
        {"tag": tag},
        {"source": source, "sort": "newest"},
        {"kind": ["publication", "statement"]},
        {"kind": ["initiative", "strategy", "publication", "statement"], "sort": "city"},
        {"q": word},
        {"q": word, "sort": "relevance"},
        {"q": "migrants", "theme": themes[0], "sort": "relevance"},
        {"year_from": practice.start_year, "sort": "newest"},
        {"year_from": practice.start_year - 5, "year_to": practice.start_year, "sort": "city"},
        {"theme": [themes[0], "no-such-theme"], "contact": "yes"},
        {"contact": "no", "org_kind": "municipal"},
    ]


def test_for_real_filter_combinations_the_api_lists_what_the_browser_and_export_list(client):
    combinations = real_combinations()
    assert len(combinations) >= 20
    mismatches, nonempty = [], 0
    for query in combinations:
        browser = client.get(BROWSER, query)
        exported = [int(row["id"]) for row in rows(client.get(EXPORT, query))]
        pages = api_pages(client, query)
        ids = [p["id"] for page in pages for p in page["results"]]
        first_page = [p.pk for p in browser.context["practices"]]
        facts = {
            "browser count": browser.context["page"].paginator.count,
            "export rows": len(exported),
            "api total": pages[0]["total"],
            "api ids": len(ids),
        }
        if len(set(facts.values())) != 1 or ids != exported or ids[:20] != first_page:
            mismatches.append((query, facts))
        nonempty += bool(ids)
    assert mismatches == []
    assert nonempty >= 20  # the combinations do select practices


@pytest.mark.parametrize(
    "sort, behind, ahead",
    [
        # A new practice placed in the part of the list already read, and one ahead.
        ("title", {"title": "Aaaa added behind"}, {"title": "Zzzz added ahead"}),
        ("newest", {"start_year": 2100}, {"start_year": None}),
        ("city", "first-city", "no-city"),
    ],
)
def test_paging_visits_every_practice_once_while_practices_are_added(client, sort, behind, ahead):
    before = api_ids(client, {"sort": sort}, page_size=100)
    seen, page_count = [], 0
    response = client.get(API, {"sort": sort, "page_size": 10, "facets": "0"})
    while page_count < MAX_PAGES:
        page = response.json()
        seen += [p["id"] for p in page["results"]]
        page_count += 1
        if page_count == 3:
            added_behind = _added(behind)
            added_ahead = _added(ahead)
        if page["next"] is None:
            break
        response = client.get(page["next"])
    assert page_count > 3
    assert len(seen) == len(set(seen))  # nothing twice
    assert added_behind.pk not in seen  # its place was already passed
    assert seen == _without(api_ids(client, {"sort": sort}, page_size=100), added_behind.pk)
    assert set(seen) == {*before, added_ahead.pk}


def _added(spec):
    if spec == "first-city":
        return factories.practice(
            city=factories.city(name="Aaaa town", slug="aaaa-town"), kind="initiative"
        )
    if spec == "no-city":
        return factories.practice(
            city=None, lead_organisation=Organisation.objects.first(), kind="initiative"
        )
    return factories.practice(kind="initiative", **spec)


def _without(ids, pk):
    return [i for i in ids if i != pk]


@pytest.mark.parametrize("sort", ["title", "newest", "city"])
def test_previous_links_walk_back_over_the_same_pages(client, sort):
    forward = api_pages(client, {"sort": sort}, page_size=9)
    assert len(forward) > 3
    backward = [forward[-1]]
    while backward[-1]["previous"] is not None and len(backward) <= len(forward):
        backward.append(client.get(backward[-1]["previous"]).json())
    assert [page["results"] for page in reversed(backward)] == [p["results"] for p in forward]
    assert forward[0]["previous"] is None


def test_the_list_carries_the_browsers_facets_notices_and_filters(client):
    query = {"theme": ["volunteering", "no-such-theme"], "country": "SE", "year_from": "19x"}
    browser = client.get(BROWSER, query)
    answer = client.get(API, query).json()
    assert answer["notices"] == browser.context["browse"].notices
    assert len(answer["notices"]) == 2
    assert answer["filters"] == {
        "theme": ["volunteering"],
        "country": ["SE"],
        "kind": ["initiative", "strategy"],
    }
    expected = [
        {
            "name": f.name,
            "label": f.label,
            "values": [(v.value, v.label, v.count, v.selected) for v in f.values],
        }
        for f in browser.context["facets"]
    ]
    got = [
        {**f, "values": [(v["value"], v["label"], v["count"], v["selected"]) for v in f["values"]]}
        for f in answer["facets"]
    ]
    assert got == expected
    theme = next(f for f in answer["facets"] if f["name"] == "theme")
    assert [v["value"] for v in theme["values"] if v["selected"]] == ["volunteering"]


def test_facets_can_be_left_out_and_sorted_by_name(client):
    assert "facets" not in client.get(API, {"facets": "0"}).json()
    facets = client.get(API, {"facet_sort": "alpha"}).json()["facets"]
    labels = [v["label"].lower() for v in next(f for f in facets if f["name"] == "theme")["values"]]
    assert labels == sorted(labels)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"cursor": "garbage"}, "not one the API gave out"),
        ({"cursor": "eyJ2IjpbXX0:1xa70O:forged"}, "not one the API gave out"),
        ({"page_size": "0"}, "page_size must be a whole number from 1 to 100"),
        ({"page_size": "101"}, "page_size must be a whole number from 1 to 100"),
        ({"page_size": "ten"}, "page_size must be a whole number from 1 to 100"),
        ({"facets": "maybe"}, "facets must be 1 or 0"),
    ],
)
def test_bad_paging_parameters_get_a_json_400_that_says_why(client, query, message):
    response = client.get(API, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 400
    assert message in response.json()["detail"]


def test_a_cursor_only_works_with_the_order_it_came_from(client):
    first = client.get(API, {"sort": "newest", "page_size": 5}).json()
    cursor = first["next"].split("cursor=")[1]
    assert client.get(f"{API}?sort=newest&cursor={cursor}").status_code == 200
    response = client.get(f"{API}?sort=city&cursor={cursor}")
    assert response.status_code == 400
    assert "another order" in response.json()["detail"]


def test_drafts_are_for_staff_only(client, superuser):
    draft = factories.practice(title="Zz draft for the API", is_published=False, kind="initiative")
    detail = reverse("api:practice", args=[draft.slug])
    assert draft.pk not in api_ids(client, {}, page_size=100)
    missing = client.get(detail)
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"No practice has the address {draft.slug!r}."
    client.force_login(superuser)
    assert draft.pk in api_ids(client, {}, page_size=100)
    assert client.get(detail).json()["published"] is False


def test_a_practice_reads_as_its_page_does(client):
    practice = Practice.objects.for_detail().get(slug="stockholm-crossroads")
    data = client.get(reverse("api:practice", args=[practice.slug])).json()
    assert data["title"] == practice.title
    assert data["city"] == {"slug": practice.city.slug, "name": practice.city.name}
    assert [t["slug"] for t in data["themes"]] == [t.slug for t in practice.themes.all()]
    assert [c["name"] for c in data["contacts"]] == [c.name for c in practice.contacts.all()]
    assert data["page"] == f"http://testserver{practice.get_absolute_url()}"
    assert len(data["citations"]) == practice.citations.count() > 0


def test_query_count_does_not_grow_with_page_size(client, django_assert_max_num_queries):
    query = {"theme": ["volunteering", "employment-skills"], "q": "city"}
    counts = []
    for size in (2, 100):
        # Counted afresh each time: the second would otherwise read the first's facets
        # from the cache, and take fewer queries for a reason that is not the page size.
        factories.nothing_counted()
        with django_assert_max_num_queries(24) as captured:
            response = client.get(API, {**query, "page_size": size})
        counts.append(len(captured))
        assert len(response.json()["results"]) == min(size, response.json()["total"])
    assert response.json()["total"] > 2
    assert counts[0] == counts[1]
