"""The API's documentation page works offline: Swagger UI and its start-up script come
from the portal's static files, under the portal's Content-Security-Policy."""

from urllib.parse import urlsplit

from .test_csp import RECORD


def test_the_docs_page_renders_the_api_with_no_request_to_another_host(page, site):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script(RECORD)
    response = page.goto(f"{site}/api/v1/docs")
    assert response.status == 200
    # Swagger UI fetched the schema and drew an operation for each endpoint.
    page.locator(".opblock-summary-path", has_text="/api/v1/practices/").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/practices/{slug}/" in [p.replace("\u200b", "") for p in paths]
    page.wait_for_load_state("networkidle")
    ours = urlsplit(site).netloc
    elsewhere = [url for url in requests if urlsplit(url).netloc not in (ours, "")]
    assert elsewhere == []
    assert any(url.endswith(".json") for url in requests)  # the schema, from the site
    assert page.evaluate("window.__violations") == []


def test_try_it_out_calls_the_api(page, site):
    page.goto(f"{site}/api/v1/docs")
    operation = page.locator(".opblock", has_text="/api/v1/themes/").first
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table")
    live.locator(".response-col_description pre", has_text='"total"').first.wait_for()
    assert "200" in live.locator("tbody .response-col_status").first.inner_text()
