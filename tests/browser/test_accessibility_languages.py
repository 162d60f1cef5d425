"""axe-core in French and German: translated pages, and English blocks marked as such."""

import pytest

from practices.models import Practice

from .test_accessibility import DESKTOP, violations

PAGES = {
    "home": lambda: "/",
    "browser": lambda: "/practices/?theme=volunteering&theme=employment-skills&q=city",
    "practice": lambda: Practice.objects.published().first().get_absolute_url(),
}


@pytest.mark.parametrize("language", ["fr", "de"])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_in_french_and_german_have_no_accessibility_violations(page, site, name, language):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site}/{language}{PAGES[name]()}")
    assert page.locator("html").get_attribute("lang") == language
    for details in page.locator("details").all():
        details.evaluate("el => el.open = true")
    count, report = violations(page)
    assert count == 0, report


@pytest.mark.parametrize("language", ["fr", "de"])
def test_an_untranslated_practice_says_its_text_is_english(page, site, language):
    practice = Practice.objects.published().filter(summary_fr__isnull=True).first()
    page.goto(f"{site}/{language}{practice.get_absolute_url()}")
    assert page.locator("h1").get_attribute("lang") == "en"
    assert page.locator(".practice-lead").get_attribute("lang") == "en"
    assert page.locator(".translation-note").is_visible()
    # The interface around it stays in the page's language: no lang on the headings.
    assert page.locator(".story h2").first.get_attribute("lang") is None
