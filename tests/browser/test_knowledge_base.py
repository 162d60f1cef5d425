"""Every browser test starts from the knowledge base as loaded, with search working.

`site` restores the rows before each test (tests/snapshot.py) instead of reloading them;
run twice, this test would see the first run's practice if the restore let it through.
"""

import pytest

from practices.models import Practice
from tests import factories
from tests.expectations import expected_slugs

from .test_browsing import result_count

WORD = "xylophonic"


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_starts_from_the_loaded_knowledge_base(page, site, run):
    assert not Practice.objects.filter(title__icontains=WORD).exists()
    page.goto(f"{site}/practices/?q={WORD}")
    assert result_count(page) == 0

    # Search over the restored rows finds what their documents say.
    for query in ["migrants", "women work", "malmo"]:
        page.goto(f"{site}/practices/?q={query.replace(' ', '+')}")
        expected, _order = expected_slugs({"q": query})
        assert result_count(page) == len(expected) > 0, query

    # A write the live server sees and indexes, which the next test must not see.
    factories.practice(title=f"A {WORD} practice, run {run}")
    page.goto(f"{site}/practices/?q={WORD}")
    assert result_count(page) == 1
