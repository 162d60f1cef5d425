"""A printed list shows its results and the filters in force, not the controls; a
practice prints on one A4 sheet."""

import re

from playwright.sync_api import expect

from practices.models import Practice


def test_printing_a_filtered_list_prints_its_results(page, site):
    page.goto(f"{site}/practices/?theme=anti-rumour&country=ES")
    page.emulate_media(media="print")
    expected = Practice.objects.published().filter(themes__slug="anti-rumour", city__country="ES")
    assert expected.exists()
    for practice in expected:
        expect(page.get_by_role("link", name=practice.title, exact=True)).to_be_visible()
    expect(page.locator(".result-count")).to_be_visible()
    expect(page.locator(".chips-bar")).to_contain_text("Theme")
    expect(page.locator(".facets")).to_be_hidden()
    expect(page.get_by_label("Search practices")).to_be_hidden()
    expect(page.locator("#sort")).to_be_hidden()


def test_printing_the_organisations_list_prints_the_table_not_the_filter(page, site):
    page.goto(f"{site}/organisations/")
    page.emulate_media(media="print")
    expect(page.locator("table.table")).to_be_visible()
    expect(page.locator("form.inline-filter")).to_be_hidden()


def pdf_pages(page):
    """Pages of the PDF Chromium prints, on the page size the print stylesheet sets."""
    return len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(prefer_css_page_size=True)))


def longest_practices(n):
    """The published practices with the most text: the hardest to fit on one sheet."""
    fields = ("summary", "context", "how_it_works", "results", "beneficiaries", "funding")
    sizes = {
        slug: sum(len(text or "") for text in texts)
        for slug, *texts in Practice.objects.published().values_list("slug", *fields)
    }
    return sorted(sizes, key=lambda slug: -sizes[slug])[:n]


def test_a_practice_prints_on_one_a4_sheet_with_its_facts_and_without_the_controls(page, site):
    for slug in [*longest_practices(4), "stockholm-vida"]:
        page.goto(f"{site}/practices/{slug}/")
        page.emulate_media(media="print")
        expect(page.locator(".practice-facts")).to_be_visible()
        expect(page.locator(".practice-facts")).to_contain_text("Last updated")
        expect(page.locator(".cite-block")).to_be_hidden()
        expect(page.locator(".related")).to_be_hidden()
        expect(page.locator(".site-header")).to_be_hidden()
        assert pdf_pages(page) == 1, slug
