"""A printed list shows its results and the filters in force, not the controls."""

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
