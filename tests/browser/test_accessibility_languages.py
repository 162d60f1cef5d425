"""An untranslated practice on a French or German page: its English blocks carry
lang="en" (axe in these languages: tests/browser/test_languages.py)."""

import pytest

from practices.models import Practice


@pytest.mark.parametrize("language", ["fr", "de"])
def test_an_untranslated_practice_says_its_text_is_english(page, site, language):
    practice = Practice.objects.published().filter(summary_fr__isnull=True).first()
    page.goto(f"{site}/{language}{practice.get_absolute_url()}")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").get_attribute("lang") == "en"
    assert page.locator(".practice-lead").get_attribute("lang") == "en"
    assert page.locator(".translation-note").is_visible()
    # The interface around it stays in the page's language: no lang on the headings.
    assert page.locator(".story h2").first.get_attribute("lang") is None
