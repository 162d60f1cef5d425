"""Reloading a database loaded from the uncorrected fixtures applies the corrections,
deletes what the fixtures retired, and leaves a curator's edit alone."""

import shutil

import pytest
import reversion

from benchmarks.models import Illustration
from cities.models import City, Network, Organisation
from practices.models import Practice
from sources.loader import load_knowledge_base

from .test_loader import FIXTURES

pytestmark = pytest.mark.django_db

# What the fixtures said before the audit, put back into a copy of them.
OLD_TEXT = [
    (
        "004_values_practices.toml",
        'slug = "riga-volunteer-of-the-year"\n',
        'slug = "riga-volunteer-of-the-year"\n'
        'lead_organisation = "state-employment-agency-latvia"\n',
    ),
    (
        "004_values_practices.toml",
        'slug = "coventry-employability-english-volunteer-placements"\n',
        'slug = "coventry-employability-english-volunteer-placements"\nstart_year = 2018\n',
    ),
    (
        "002_mechelen_2024.toml",
        "It is the UK's largest asylum dispersal destination; the dispersal policy began in "
        "2000, and a generation has put down roots in the city since.",
        "Since 2000 it has been the UK's largest asylum dispersal destination.",
    ),
    (
        "002_mechelen_2024.toml",
        'slug = "municipality-of-krakow"\n',
        'slug = "municipality-of-krakow"\nwebsite = "https://www.otwarty.krakow.pl"\n',
    ),
    (
        "002_mechelen_2024.toml",
        "and that grew out of an inclusive participation process.",
        "and that grew out of an inclusive participation process rather than being drawn up "
        "behind desks.",
    ),
]
# Records the old fixtures defined and the new ones retire, and an old citation.
OLD_RECORDS = """
source = "mechelen-2024"

[[network]]
slug = "eurocities-network"
name = "EUROCITIES"
section = "4. Eurocities"

[[membership]]
network = "eurocities-network"
city = "barcelona"
section = "4. Eurocities"

[[city]]
slug = "strasbourg"
name = "Strasbourg"
country = "FR"
latitude = 48.5734
longitude = 7.7521
section = "3. Council of Europe"

[[city]]
slug = "geneva"
name = "Geneva"
country = "CH"
latitude = 46.2044
longitude = 6.1432
section = "7. IOM"

[[mention]]
kind = "city"
slug = "brussels"
section = "4. Eurocities"

[[illustration]]
practice = "vantaa-lango-app"
factor = "A3"
note = "A buddy app."
"""


@pytest.fixture
def old_fixtures(tmp_path):
    for path in FIXTURES.glob("*.toml"):
        if path.name != "00_retired.toml":
            shutil.copy(path, tmp_path / path.name)
    for name, new, old in OLD_TEXT:
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert text.count(new) == 1, new
        (tmp_path / name).write_text(text.replace(new, old), encoding="utf-8")
    for name in ("002_mechelen_2024.toml", "004_values_practices.toml"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace('kind = "publication"\n', ""), encoding="utf-8")
    (tmp_path / "005_before_the_audit.toml").write_text(OLD_RECORDS, encoding="utf-8")
    return tmp_path


def test_a_reload_applies_the_corrections_but_not_over_a_curators_edit(old_fixtures, superuser):
    load_knowledge_base(old_fixtures)
    assert Practice.objects.get(slug="riga-volunteer-of-the-year").lead_organisation_id
    assert Practice.objects.get(slug="council-of-europe-bookmarks-manual").kind == "initiative"
    assert Network.objects.filter(slug="eurocities-network").exists()
    rotterdam = Practice.objects.get(slug="rotterdam-samenleven-in-een-stad")
    assert "behind desks" in rotterdam.context
    with reversion.create_revision():
        reversion.set_user(superuser)
        rotterdam.summary = "Checked by a curator."
        rotterdam.save()

    report = load_knowledge_base(FIXTURES)

    assert Practice.objects.get(slug="riga-volunteer-of-the-year").lead_organisation is None
    coventry = Practice.objects.get(slug="coventry-employability-english-volunteer-placements")
    assert coventry.start_year is None
    assert "dispersal policy began in 2000" in City.objects.get(slug="glasgow").profile
    assert Organisation.objects.get(slug="municipality-of-krakow").website == ""
    assert Practice.objects.get(slug="council-of-europe-bookmarks-manual").kind == "publication"
    # Retired records are gone, and with them what hung on them.
    assert not Network.objects.filter(slug="eurocities-network").exists()
    assert not City.objects.filter(slug__in=["strasbourg", "geneva"]).exists()
    assert not Illustration.objects.filter(practice__slug="vantaa-lango-app").exists()
    assert report.retired == 4
    # A citation the fixtures no longer give is dropped.
    brussels = City.objects.get(slug="brussels")
    assert list(brussels.citations.values_list("document__key", flat=True)) == [
        "values-toolkit-2021"
    ]
    # The curator's record is left as the curator left it, old sentence and all.
    rotterdam.refresh_from_db()
    assert rotterdam.summary == "Checked by a curator."
    assert "behind desks" in rotterdam.context
    assert "practice rotterdam-samenleven-in-een-stad" in report.kept_curated
