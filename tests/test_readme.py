"""The README documents what the code does: each export column as its Column declares it."""

from pathlib import Path

import pytest

from cities.exports import CITY_COLUMNS, CONTACT_COLUMNS, ORGANISATION_COLUMNS
from practices.exports import PRACTICE_COLUMNS

README = (Path(__file__).parent.parent / "README.md").read_text()


def table_rows(text):
    """{`name`: description} of every two-cell Markdown table row in `text`."""
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`") and cells[0].endswith("`"):
            rows.setdefault(cells[0].strip("`"), set()).add(cells[1])
    return rows


@pytest.mark.parametrize(
    "columns",
    [PRACTICE_COLUMNS, CITY_COLUMNS, ORGANISATION_COLUMNS, CONTACT_COLUMNS],
    ids=["practices", "cities", "organisations", "contacts"],
)
def test_the_readme_documents_every_column_as_the_code_does(columns):
    documented = table_rows(README)
    wrong = [
        f"{c.name}: code says {c.doc!r}, README {sorted(documented.get(c.name, []))}"
        for c in columns
        if c.doc not in documented.get(c.name, set())
    ]
    assert wrong == []
