"""The portal in French and German, in a real browser: axe-core finds no violation on
the home page, the browser and a practice page, and the language switcher keeps the
filters, also after the browser changed them in place (JavaScript)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from practices.models import Practice

axe = Axe()
DESKTOP = {"width": 1280, "height": 800}
PAGES = {
    "home": lambda: "/",
    "browser": lambda: "/practices/?theme=volunteering&country=SE&q=city",
    "practice": lambda: Practice.objects.get(slug="stockholm-vida").get_absolute_url(),
}


@pytest.mark.parametrize("language", ["fr", "de"])
@pytest.mark.parametrize("name", list(PAGES))
def test_french_and_german_pages_have_no_accessibility_violations(page, site, name, language):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site}/{language}{PAGES[name]()}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    for details in page.locator("details").all():
        details.evaluate("el => el.open = true")
    results = axe.run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    )
    assert results.violations_count == 0, results.generate_report()
    # Each switcher link names its language in that language, and says so.
    for code in ("en", "fr", "de", "es", "it"):
        expect(page.locator(f'.language-switcher a[hreflang="{code}"]')).to_have_attribute(
            "lang", code
        )


def test_switching_language_keeps_filters_set_in_place(page, site):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site}/practices/?theme=volunteering")
    # Ticking a facet updates the results and the address without loading a page.
    page.locator("#f-country-se").check()
    expect(page.locator("#browser-region")).not_to_have_attribute("aria-busy", "true")
    expect(page).to_have_url(re.compile(r"country=SE"))
    page.locator('.language-switcher a[hreflang="de"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    address = urlsplit(page.url)
    assert address.path == "/de/practices/"
    query = parse_qs(address.query)
    assert (query["theme"], query["country"]) == (["volunteering"], ["SE"])
    expect(page.locator("#f-country-se")).to_be_checked()
    expect(page.get_by_role("button", name="Filter anwenden")).to_be_visible()
    # The alternates in the head follow the filters too.
    alternate = page.locator('link[rel="alternate"][hreflang="fr"]').get_attribute("href")
    assert urlsplit(alternate).path == "/fr/practices/"
    assert parse_qs(urlsplit(alternate).query) == query


def test_a_french_browser_lands_in_french_once_then_the_address_decides(browser, site):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{site}/themes/")
    assert urlsplit(page.url).path == "/fr/themes/"
    expect(page.locator("h1")).to_have_text("Thèmes")
    # The English link of the switcher takes the visitor to English, and it stays so.
    page.locator('.language-switcher a[hreflang="en"]').click()
    assert urlsplit(page.url).path == "/themes/"
    page.goto(f"{site}/cities/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()
