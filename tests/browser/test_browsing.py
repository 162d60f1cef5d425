"""An official's journey through the practice browser, in a real browser."""

import re

from playwright.sync_api import expect

from practices.models import Practice


def shown():
    """What the browser lists unless asked for other kinds: initiatives and strategies."""
    return Practice.objects.published().of_browser_kinds()


def result_count(page):
    text = page.locator(".result-count strong").inner_text()
    return int(text)


def wait_for_results(page):
    expect(page.locator("#browser-region")).not_to_have_attribute("aria-busy", "true")


def tick(page, facet, value):
    """Tick a facet value, opening the facet's "Show all" first if it is hidden there."""
    box = page.locator(f"#f-{facet}-{value}")
    if not box.is_visible():
        page.locator(f"fieldset:has(#f-{facet}-{value}) summary").click()
    box.check()
    wait_for_results(page)


def test_an_official_searches_filters_pages_and_follows_a_theme(page, site):
    page.goto(f"{site}/practices/")
    assert result_count(page) == shown().count()
    # The page says publications and statements are left out, and one link brings them in.
    expect(page.locator(".default-note")).to_contain_text("Initiative and Strategy or plan")
    page.get_by_role("link", name="Show all kinds").click()
    expect(page).to_have_url(re.compile(r"kind=publication"))
    assert result_count(page) == Practice.objects.published().count()
    expect(page.locator(".default-note")).to_have_count(0)

    # Paging keeps the list going.
    page.get_by_role("link", name=re.compile("^Next")).first.click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".pagination [aria-current=page]")).to_contain_text("Page 2")

    # Search, then tick two values in one facet and one in another.
    page.goto(f"{site}/practices/")
    page.get_by_label("Search practices").fill("migrants")
    page.get_by_role("button", name="Search", exact=True).click()
    wait_for_results(page)
    expect(page).to_have_url(re.compile(r"q=migrants"))
    tick(page, "theme", "employment-skills")
    tick(page, "theme", "education-youth")
    expect(page).to_have_url(re.compile(r"theme=employment-skills.*theme=education-youth"))

    matching = (
        shown()
        .search("migrants")
        .filter(
            pk__in=Practice.objects.filter(
                themes__slug__in=["employment-skills", "education-youth"]
            ).values("pk")
        )
    )
    assert result_count(page) == matching.count()
    by_country = {}
    for practice in matching.select_related("city"):
        if practice.city_id:
            by_country[practice.city.country_id] = by_country.get(practice.city.country_id, 0) + 1
    country, expected = max(by_country.items(), key=lambda kv: kv[1])
    expect(page.locator(f"label[for=f-country-{country.lower()}] + .count")).to_have_text(
        str(expected)
    )
    tick(page, "country", country.lower())
    assert result_count(page) == expected
    titles = page.locator(".practice-item h3 a").all_inner_texts()
    assert sorted(titles) == sorted(p.title for p in matching.filter(city__country__code=country))

    # Remove a chip: the country filter goes, the themes stay.
    page.get_by_role("link", name=re.compile("^Remove filter Country")).click()
    expect(page).not_to_have_url(re.compile(r"country="))
    assert result_count(page) == matching.count()

    # Open a practice and follow its theme back to a filtered list.
    page.locator(".practice-item h3 a").first.click()
    expect(page.locator("h1")).to_be_visible()
    theme_link = page.locator(".facts dd a.chip").first
    theme_name = theme_link.inner_text()
    theme_link.click()
    expect(page).to_have_url(re.compile(r"/practices/\?theme="))
    slug = re.search(r"theme=([\w-]+)", page.url).group(1)
    assert result_count(page) == shown().filter(themes__slug=slug).count()
    expect(page.locator(".chips-bar")).to_contain_text(theme_name)


def test_a_facet_can_be_applied_with_the_keyboard_alone(page, site):
    page.goto(f"{site}/practices/")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "theme":
            break
    else:
        raise AssertionError("no theme checkbox reached with Tab")
    value = page.evaluate("document.activeElement.value")
    page.keyboard.press("Space")
    wait_for_results(page)
    expect(page).to_have_url(re.compile(rf"theme={value}"))
    assert result_count(page) == shown().filter(themes__slug=value).count()
    # Focus stays on the control the user just used.
    assert page.evaluate("document.activeElement.value") == value


def test_the_browser_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/practices/")
    box = page.locator("#f-theme-volunteering")
    if not box.is_visible():
        page.locator("fieldset:has(#f-theme-volunteering) summary").click()
    box.check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"theme=volunteering"))
    assert result_count(page) == shown().filter(themes__slug="volunteering").count()
    context.close()


def test_the_browser_fits_a_narrow_phone(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{site}/practices/?theme=volunteering")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()


def test_the_follow_link_and_the_pages_feed_follow_the_ticked_filters(page, site):
    page.goto(f"{site}/practices/")
    tick(page, "theme", "volunteering")
    follow = page.get_by_role("link", name="Follow these results")
    expect(follow).to_have_attribute("href", "/practices/feed/?theme=volunteering")
    alternate = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    expect(alternate).to_have_attribute(
        "href", re.compile(r"/practices/feed/\?theme=volunteering$")
    )
    feed = page.request.get(site + follow.get_attribute("href"))
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert feed.text().count("<entry>") == shown().filter(themes__slug="volunteering").count()
