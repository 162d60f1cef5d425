"""On a phone: no page is wider than the screen, and the browser's filters fold into a
"Filters (n active)" panel above the results, without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from benchmarks.assessments.models import Assessment
from benchmarks.models import Benchmark
from practices.models import Practice

from .test_browsing import result_count

PHONE = {"width": 360, "height": 740}


def public_paths():
    practice = Practice.objects.published().get(slug="stockholm-crossroads")
    benchmark = Benchmark.objects.get(slug="values-theme-a")
    assessment = Assessment.objects.create(
        city_id=practice.city_id, benchmark=benchmark, date="2026-01-01"
    )
    return [
        "/",
        "/themes/",
        "/practices/",
        "/practices/?theme=volunteering&theme=employment-skills&country=SE&q=city",
        practice.get_absolute_url(),
        Practice.objects.published().order_by("-pk").first().get_absolute_url(),
        "/cities/",
        "/cities/?sort=population",
        "/cities/vantaa/",
        "/networks/",
        "/networks/values-project/",
        "/networks/integrating-cities-charter/",
        "/organisations/",
        "/organisations/eurocities/",
        "/practices/sources/",
        "/practices/sources/mechelen-2024/",
        "/benchmarks/",
        "/benchmarks/values-theme-a/",
        "/benchmarks/contextual-factors/",
        "/benchmarks/values-theme-a/compare/",
        "/benchmarks/values-theme-a/compare/?city=vantaa&city=riga&city=malmo",
        assessment.get_absolute_url(),
        "/accounts/login/",
        "/no/such/page/",
    ]


def overflow(page):
    """How far the page is wider than the screen, with every <details> open."""
    for details in page.locator("details").all():
        details.evaluate("el => el.open = true")
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_no_page_is_wider_than_a_360_px_phone(browser, site, superuser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    too_wide = {}
    for path in public_paths():
        page.goto(site + path)
        if (extra := overflow(page)) > 0:
            too_wide[path] = extra
    # The assessment form, for a signed-in city editor or admin.
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{site}/benchmarks/assess/vantaa/values-theme-a/")
    expect(page.locator("form textarea").first).to_be_visible()
    if (extra := overflow(page)) > 0:
        too_wide["assessment form"] = extra
    context.close()
    assert too_wide == {}


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_on_a_phone_the_filters_fold_into_a_panel_above_the_results(browser, site, javascript):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(f"{site}/practices/?theme=volunteering")
    summary = page.get_by_text("Filters (1 active)")
    expect(summary).to_be_visible()
    box = page.locator("#f-country-se")
    expect(box).to_be_hidden()
    # The panel comes before the results, and the results come within the first screen.
    assert summary.bounding_box()["y"] < page.locator(".result-count").bounding_box()["y"] < 844
    summary.click()
    expect(box).to_be_visible()
    box.check()
    if not javascript:
        page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"country=SE"))
    expect(page.get_by_text("Filters (2 active)")).to_be_visible()
    expected = Practice.objects.published().of_browser_kinds()
    expected = expected.filter(themes__slug="volunteering", city__country="SE")
    assert result_count(page) == expected.count()
    context.close()


def test_on_a_wide_screen_the_filters_are_open_without_javascript(browser, site):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{site}/practices/")
    expect(page.locator("#f-theme-volunteering")).to_be_visible()
    expect(page.get_by_text("Filters (0 active)")).to_be_hidden()
    context.close()
