"""A city editor records a self-assessment with the keyboard alone, in a real browser."""

import re

from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import expect

from benchmarks.assessments.models import Assessment, CityEditor
from cities.models import City

PASSWORD = "a-long-test-password"


def tab_to(page, predicate, limit=200):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"never reached {predicate}")


def no_violations(page):
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    assert results.violations_count == 0, results.generate_report()


def test_a_city_editor_assesses_with_the_keyboard_and_sees_the_result(page, site):
    user = User.objects.create_user("vantaa-editor", password=PASSWORD)
    CityEditor.objects.create(user=user, city=City.objects.get(slug="vantaa"))

    page.goto(f"{site}/benchmarks/assess/vantaa/values-theme-a/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    tab_to(page, "document.activeElement.id === 'id_username'")
    page.keyboard.type("vantaa-editor")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Assess Vantaa")
    no_violations(page)

    tab_to(page, "document.activeElement.id === 'id_rating_A1'")
    page.keyboard.type("Emerging")
    page.keyboard.press("Tab")
    page.keyboard.type("A welcome statement is planned for 2026.")
    tab_to(page, "document.activeElement.id === 'id_rating_A2'")
    page.keyboard.type("Established")
    tab_to(
        page,
        "document.activeElement.type === 'submit'"
        " && document.activeElement.textContent.includes('Save')",
    )
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/cities/vantaa/#assessment"))
    section = page.locator("#assessment")
    expect(section).to_contain_text("Emerging")
    expect(section).to_contain_text("Established")
    expect(section).to_contain_text("Gaps, and practices from other cities")
    assessment = Assessment.objects.get(city__slug="vantaa")
    assert assessment.author == user
    assert (
        assessment.ratings.get(factor__code="A1").evidence
        == "A welcome statement is planned for 2026."
    )

    page.get_by_role("link", name="Compare with other cities").first.click()
    expect(page.locator("table.matrix")).to_contain_text("Vantaa")
    expect(page.locator("table.matrix")).to_contain_text("Emerging")
    page.locator("table.matrix details summary").first.click()
    expect(page.locator("table.matrix")).to_contain_text("A welcome statement is planned for 2026.")
    no_violations(page)
