"""axe-core (bundled offline by axe-playwright-python) finds no WCAG violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from cities.models import City, Network, Organisation
from practices.models import Practice

axe = Axe()


def violations(page):
    results = axe.run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    )
    return results.violations_count, results.generate_report()


@pytest.mark.parametrize(
    "path",
    [
        lambda: "/",
        lambda: "/practices/?theme=volunteering&theme=employment-skills&country=SE&q=city",
        lambda: Practice.objects.published().first().get_absolute_url(),
        lambda: City.objects.get(slug="vantaa").get_absolute_url(),
        lambda: Organisation.objects.get(slug="council-of-europe").get_absolute_url(),
        lambda: "/cities/",
        lambda: "/organisations/",
        lambda: "/themes/",
        lambda: "/benchmarks/values-theme-a/",
        lambda: "/benchmarks/",
        lambda: "/networks/",
        lambda: Network.objects.get(slug="integrating-cities-charter").get_absolute_url(),
        lambda: "/practices/sources/",
        lambda: "/benchmarks/values-theme-a/compare/",
    ],
    ids=[
        "home",
        "browser-with-filters",
        "practice",
        "city",
        "organisation",
        "cities",
        "organisations",
        "themes",
        "benchmark",
        "benchmarks",
        "networks",
        "network",
        "sources",
        "compare-empty",
    ],
)
def test_pages_have_no_accessibility_violations(page, site, path):
    page.set_viewport_size(DESKTOP)
    page.goto(site + path())
    for details in page.locator("details").all():
        details.evaluate("el => el.open = true")
    count, report = violations(page)
    assert count == 0, report


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The pages with a map, and the practice page's two columns: checked on a phone too,
# where the layouts change (filters folded, one column). Desktop: the test above.
PHONE_PAGES = {
    "home": lambda: "/",
    "cities": lambda: "/cities/",
    "city": lambda: City.objects.get(slug="vantaa").get_absolute_url(),
    "network": lambda: Network.objects.get(slug="values-project").get_absolute_url(),
    "browser": lambda: "/practices/?theme=volunteering&country=SE",
    "practice": lambda: Practice.objects.get(slug="stockholm-vida").get_absolute_url(),
}


@pytest.mark.parametrize("name", list(PHONE_PAGES))
def test_map_and_practice_pages_have_no_violations_on_a_phone(page, site, name):
    page.set_viewport_size(PHONE)
    page.goto(site + PHONE_PAGES[name]())
    # The filters panel and the maps' lists open: axe checks what they hold too.
    for element in page.locator("details").all():
        element.evaluate("el => el.open = true")
    count, report = violations(page)
    assert count == 0, report


def test_a_practice_page_with_a_stale_flag_has_no_violations(page, site):
    import datetime

    practice = Practice.objects.published().get(slug="luxembourg-gemengepakt")
    practice.last_verified_on = datetime.date(2015, 3, 1)
    practice.save(update_fields=["last_verified_on"])
    page.goto(site + practice.get_absolute_url())
    assert page.locator(".stale").inner_text() == "May be out of date:"
    count, report = violations(page)
    assert count == 0, report
