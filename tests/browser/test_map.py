"""The maps in a real browser: a marker per located city, nothing fetched from any host
but the portal, links that work without JavaScript and with the keyboard, and the
browser's map narrowing the results while keeping the other filters."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from cities.models import City
from practices.models import Practice

from .test_browsing import result_count


def located(cities):
    return cities.exclude(latitude=None).exclude(longitude=None)


def browser_cities():
    results = Practice.objects.published().of_browser_kinds().filter(themes__slug="volunteering")
    return City.objects.filter(practices__in=results).distinct()


MAP_PAGES = {
    "home": ("/", lambda: City.objects.all()),
    "cities": ("/cities/", lambda: City.objects.all()),
    "city": ("/cities/vantaa/", lambda: City.objects.all()),
    "network": (
        "/networks/values-project/",
        lambda: City.objects.filter(memberships__network__slug="values-project"),
    ),
    "browser": ("/practices/?theme=volunteering", browser_cities),
}


@pytest.fixture
def portal_only(browser, site):
    """A browser context that lets requests reach the live server only, and records
    (and blocks) any other: a tile server, a CDN, a font service. The page's
    Content-Security-Policy is bypassed, so that it cannot hide what a page asks for."""
    context = browser.new_context(bypass_csp=True)
    portal = urlsplit(site).netloc
    elsewhere, seen = [], []

    def route(route):
        url = route.request.url
        seen.append(url)
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == portal:
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    context.route("**/*", route)
    yield context, elsewhere, seen
    context.close()


def test_every_map_draws_each_located_city_and_asks_only_the_portal(portal_only, site):
    context, elsewhere, seen = portal_only
    page = context.new_page()
    basemap_loaded = []
    page.on(
        "response",
        lambda r: r.url.endswith("/static/map/europe.svg") and basemap_loaded.append(r.status),
    )
    for name, (path, cities) in MAP_PAGES.items():
        page.goto(site + path)
        expected = located(cities()).count()
        assert expected >= 5, name
        expect(page.locator(".city-map-svg a.marker")).to_have_count(expected)
        # Every marker is drawn: a circle with a size, inside the map.
        sizes = page.locator(".city-map-svg a.marker circle").evaluate_all(
            "cs => cs.map(c => c.getBoundingClientRect().width)"
        )
        assert min(sizes) > 0, name
    assert basemap_loaded and set(basemap_loaded) <= {200, 304}
    assert any("/static/map/europe.svg" in url for url in seen)
    assert elsewhere == []


def test_without_javascript_the_markers_and_the_list_are_links(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/")
    page.locator('a.marker[aria-label^="Vantaa, Finland:"]').click()
    expect(page).to_have_url(f"{site}/cities/vantaa/")
    expect(page.locator("h1")).to_have_text("Vantaa")

    page.get_by_text(re.compile(r"^The \d+ cities of this map as a list$")).click()
    page.locator(".map-list").get_by_role("link", name="Riga", exact=True).click()
    expect(page).to_have_url(f"{site}/cities/riga/")

    page.goto(f"{site}/practices/?theme=volunteering&country=SE")
    page.locator('a.marker[aria-label^="Stockholm, Sweden:"]').click()
    expect(page).to_have_url(re.compile(r"city=stockholm"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["theme"] == ["volunteering"] and query["country"] == ["SE"]
    context.close()


def test_clicking_a_city_on_the_browsers_map_narrows_and_keeps_the_filters(page, site):
    page.goto(f"{site}/practices/?theme=volunteering&country=SE&sort=newest")
    before = result_count(page)
    marker = page.locator('a.marker[aria-label^="Stockholm, Sweden:"]')
    count = int(re.search(r": (\d+) practices?$", marker.get_attribute("aria-label")).group(1))
    marker.click()
    expect(page).to_have_url(re.compile(r"city=stockholm"))
    query = parse_qs(urlsplit(page.url).query)
    assert query == {
        "theme": ["volunteering"],
        "country": ["SE"],
        "sort": ["newest"],
        "city": ["stockholm"],
    }
    expected = (
        Practice.objects.published()
        .of_browser_kinds()
        .filter(themes__slug="volunteering", city__slug="stockholm")
    )
    assert result_count(page) == count == expected.count() < before
    titles = page.locator(".practice-item h3 a").all_inner_texts()
    assert sorted(titles) == sorted(p.title for p in expected)
    expect(page.locator(".chips-bar")).to_contain_text("Stockholm")
    expect(page.locator(".chips-bar")).to_contain_text("Volunteering")


def test_every_marker_is_reached_with_the_keyboard_and_named(page, site):
    page.goto(f"{site}/cities/vantaa/")
    markers = page.locator(".city-map-svg a.marker")
    labels = markers.evaluate_all("ms => ms.map(m => m.getAttribute('aria-label'))")
    assert all(re.fullmatch(r".+, .+: \d+ practices?", label) for label in labels)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('marker')"):
            break
    else:
        raise AssertionError("no marker reached with Tab")
    reached = {page.evaluate("document.activeElement.getAttribute('aria-label')")}
    for _ in range(len(labels) - 1):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.getAttribute('aria-label')"))
    assert reached == set(labels)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cities/[\w-]+/$"))
