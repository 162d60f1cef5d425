"""The README documents what the code does: each export column as its Column declares it."""

from pathlib import Path

import pytest

from cities.exports import CITY_COLUMNS, CONTACT_COLUMNS, ORGANISATION_COLUMNS
from practices.exports import PRACTICE_COLUMNS

README = (Path(__file__).parent.parent / "README.md").read_text()


def column_table(export):
    """[(name, description)] of the table under the README line that names `export`."""
    lines = README.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"`{export}`"))
    rows = []
    for line in lines[start + 1 :]:
        if rows and not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`"):
            rows.append((cells[0].strip("`"), cells[1]))
    return rows


@pytest.mark.parametrize(
    "export, columns",
    [
        ("/practices/export.csv", PRACTICE_COLUMNS),
        ("/cities/export.csv", CITY_COLUMNS),
        ("/organisations/export.csv", ORGANISATION_COLUMNS),
        ("/contacts/export.csv", CONTACT_COLUMNS),
    ],
)
def test_the_readme_documents_every_column_as_the_code_does(export, columns):
    assert column_table(export) == [(c.name, c.doc) for c in columns]
