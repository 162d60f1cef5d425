"""Real-browser tests: Debian's Chromium driven by Playwright against live_server.

Never `playwright install`: it downloads a browser build. Without /usr/bin/chromium these
tests skip with a message, except in CI (CI=true), where a missing browser fails the run.
"""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [i for i in items if "tests/browser/" in str(i.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if HAVE_CHROMIUM or not browser_items:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            f"CI=true but Chromium is missing at {CHROMIUM}: apt-get install -y chromium"
        )
    skip = pytest.mark.skip(reason="Chromium not installed: apt-get install -y chromium")
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site(live_server, knowledge_base):
    """The live server's base URL, over the knowledge base as the session loaded it.

    live_server's database is flushed after every test; `knowledge_base` puts the rows
    back before each, so a test's writes never reach the next one.
    """
    return live_server.url
