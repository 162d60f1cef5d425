"""The Content-Security-Policy blocks nothing the portal itself does, admin included."""

import pytest

from practices.models import Practice

RECORD = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def violations_on(page, url):
    """The page's policy header and what it blocked while loading (scripts, styles and
    images all load before the load event, when goto returns)."""
    response = page.goto(url)
    return response.headers["content-security-policy"], page.evaluate("window.__violations")


@pytest.fixture
def signed_in(page, site, superuser):
    page.add_init_script(RECORD)
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/admin/")
    return page


def test_public_pages_load_without_a_policy_violation(page, site):
    page.add_init_script(RECORD)
    practice = Practice.objects.published().first()
    for path in [
        "/",
        "/practices/?theme=volunteering",
        practice.get_absolute_url(),
        "/cities/",
        "/cities/vantaa/",
        "/organisations/",
        "/organisations/council-of-europe/",
        "/networks/",
        "/networks/integrating-cities-charter/",
        "/themes/",
        "/practices/sources/",
        "/practices/sources/mechelen-2024/",
        "/benchmarks/",
        "/benchmarks/values-theme-a/",
        "/benchmarks/values-theme-a/compare/",
        "/benchmarks/contextual-factors/",
        "/accounts/login/",
    ]:
        policy, violations = violations_on(page, site + path)
        assert "script-src 'self'" in policy
        assert violations == [], path


def test_the_admin_and_the_assessment_form_load_without_a_policy_violation(signed_in, site):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    for path in [
        f"/admin/practices/practice/{practice.pk}/change/",
        f"/admin/practices/practice/{practice.pk}/history/",
        "/benchmarks/assess/vantaa/values-theme-a/",
    ]:
        assert violations_on(signed_in, site + path)[1] == [], path
