"""The fixture loader: all or nothing, idempotent, and respectful of curators' edits."""

import shutil
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.core.management import CommandError, call_command

from cities.models import City, Contact, Organisation
from practices.models import Practice
from sources.loader import load_knowledge_base
from sources.models import Citation
from sources.records import FixtureError

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"

GOOD = """
source = "mechelen-2024"

[[city]]
slug = "test-harbour"
name = "Test Harbour"
country = "BE"
latitude = 51.0
longitude = 4.0
section = "Test section"

[[organisation]]
slug = "test-harbour-ngo"
name = "Test Harbour NGO"
kind = "ngo"
city = "test-harbour"
section = "Test section"

[[practice]]
slug = "test-harbour-welcome"
title = "Test Harbour welcome desk"
city = "test-harbour"
lead_organisation = "test-harbour-ngo"
summary = "A desk."
themes = ["welcome-reception"]
tags = ["ukraine"]
section = "Test section"

[[contact]]
key = "test-harbour-desk"
name = "Welcome desk"
email = "desk@test-harbour.example"
practices = ["test-harbour-welcome"]
section = "Test section"
"""


@pytest.fixture
def fixture_dir(tmp_path):
    for name in ("00_vocabularies.toml", "00_sources.toml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path


def write(directory, text, name="010_test.toml"):
    (directory / name).write_text(text, encoding="utf-8")


def counts():
    return (
        Practice.objects.count(),
        City.objects.count(),
        Organisation.objects.count(),
        Contact.objects.count(),
        Citation.objects.count(),
    )


def test_it_loads_a_good_file_with_links_and_citations(fixture_dir):
    write(fixture_dir, GOOD)
    report = load_knowledge_base(fixture_dir)
    practice = Practice.objects.get(slug="test-harbour-welcome")
    assert report.created == 4
    assert practice.city.name == "Test Harbour"
    assert practice.lead_organisation.slug == "test-harbour-ngo"
    assert [t.name for t in practice.tags.all()] == ["ukraine"]
    assert list(practice.contacts.values_list("email", flat=True)) == ["desk@test-harbour.example"]
    assert practice.citations.get().section == "Test section"
    assert " harbour " in practice.search_document


def test_reloading_twice_creates_nothing_new(fixture_dir):
    write(fixture_dir, GOOD)
    load_knowledge_base(fixture_dir)
    before = counts()
    second = load_knowledge_base(fixture_dir)
    third = load_knowledge_base(fixture_dir)
    assert counts() == before
    assert second.created == third.created == 0
    assert second.updated == third.updated == 0


def test_a_changed_fixture_updates_the_record(fixture_dir):
    write(fixture_dir, GOOD)
    load_knowledge_base(fixture_dir)
    write(fixture_dir, GOOD.replace("A desk.", "A desk, open daily."))
    report = load_knowledge_base(fixture_dir)
    assert report.updated == 1
    assert Practice.objects.get(slug="test-harbour-welcome").summary == "A desk, open daily."


def test_a_curators_edit_survives_a_reload(fixture_dir, superuser):
    write(fixture_dir, GOOD)
    load_knowledge_base(fixture_dir)
    practice = Practice.objects.get(slug="test-harbour-welcome")
    with reversion.create_revision():
        reversion.set_user(superuser)
        practice.summary = "Corrected by a curator."
        practice.save()
    report = load_knowledge_base(fixture_dir)
    practice.refresh_from_db()
    assert practice.summary == "Corrected by a curator."
    assert "practice test-harbour-welcome" in report.kept_curated


def test_overwrite_flag_resets_a_curated_record(fixture_dir, superuser):
    write(fixture_dir, GOOD)
    load_knowledge_base(fixture_dir)
    practice = Practice.objects.get(slug="test-harbour-welcome")
    with reversion.create_revision():
        reversion.set_user(superuser)
        practice.summary = "Corrected by a curator."
        practice.save()
    call_command("load_knowledge_base", dir=str(fixture_dir), overwrite_curated=True, verbosity=0)
    practice.refresh_from_db()
    assert practice.summary == "A desk."


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            GOOD.replace('themes = ["welcome-reception"]', 'themes = ["welcome-receptoin"]'),
            "practice #1 'test-harbour-welcome': field 'themes': unknown theme 'welcome-receptoin'",
        ),
        (
            GOOD.replace('city = "test-harbour"\nlead', 'city = "atlantis"\nlead'),
            "practice #1 'test-harbour-welcome': field 'city': unknown city 'atlantis'",
        ),
        (
            GOOD.replace("desk@test-harbour.example", "desk(at)test-harbour"),
            "contact #1 'test-harbour-desk': field 'email': 'desk(at)test-harbour' is not a valid",
        ),
        (
            GOOD.replace('kind = "ngo"', 'kind = "guild"'),
            "organisation #1 'test-harbour-ngo': field 'kind': Value 'guild' is not a valid choice",
        ),
        (
            GOOD.replace("latitude = 51.0", 'latitude = "north"'),
            "city #1 'test-harbour': field 'latitude': must be a number",
        ),
        (
            GOOD.replace('section = "Test section"\n\n[[organisation]]', "\n[[organisation]]"),
            "city #1 'test-harbour': field 'section': is required",
        ),
        (
            GOOD + GOOD[GOOD.index("[[practice]]") : GOOD.index("[[contact]]")],
            "practice #2 'test-harbour-welcome': is defined twice",
        ),
        (GOOD.replace("[[city]]", "[[citty]]"), "unknown table [[citty]]"),
        (GOOD.replace('name = "Test Harbour"', 'name = "Test Harbour'), "not valid TOML"),
        # SQLite stores what PostgreSQL refuses: the loader refuses it on both.
        (
            GOOD.replace('tags = ["ukraine"]', "tags = [1]"),
            "practice #1 'test-harbour-welcome': field 'tags': must be text",
        ),
        (
            GOOD.replace('title = "Test Harbour welcome desk"', 'title = "Test\\u0000desk"'),
            "field 'title': contains a NUL character",
        ),
        (
            GOOD.replace('tags = ["ukraine"]', f'tags = ["{"x" * 150}"]'),
            "field 'tags': is 150 characters long; at most 100",
        ),
        (
            GOOD.replace("longitude = 4.0", "longitude = 4.0\npopulation = 99999999999"),
            "city #1 'test-harbour': field 'population': must be between 0 and 2147483647",
        ),
        (
            GOOD.replace('email = "desk@test-harbour.example"', 'public = "false"'),
            "contact #1 'test-harbour-desk': field 'public': must be true or false",
        ),
    ],
)
def test_a_broken_file_loads_nothing_and_names_the_problem(fixture_dir, broken, expected):
    write(fixture_dir, broken)
    before = counts()
    with pytest.raises(FixtureError) as exc:
        load_knowledge_base(fixture_dir)
    assert "010_test.toml" in str(exc.value)
    assert expected in str(exc.value)
    assert counts() == before
    assert not City.objects.filter(slug="test-harbour").exists()


def test_the_command_reports_a_broken_file_without_a_traceback(fixture_dir):
    write(fixture_dir, GOOD.replace('"welcome-reception"', '"nope"'))
    with pytest.raises(CommandError) as exc:
        call_command("load_knowledge_base", dir=str(fixture_dir))
    assert str(exc.value).startswith("Nothing was loaded.")
    assert "unknown theme 'nope'" in str(exc.value)


def test_if_empty_skips_a_loaded_database(fixture_dir, capsys):
    write(fixture_dir, GOOD)
    call_command("load_knowledge_base", dir=str(fixture_dir), if_empty=True)
    assert "already loaded" in capsys.readouterr().out
    assert not Practice.objects.filter(slug="test-harbour-welcome").exists()


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            GOOD.replace('city = "test-harbour"\nlead_organisation = "test-harbour-ngo"\n', ""),
            "practice #1 'test-harbour-welcome': field 'city': Give a city, a lead organisation",
        ),
        (
            GOOD + '\n[[network]]\nslug = "test-net"\nname = "Test net"\nsection = "s"\n'
            '\n[[membership]]\nnetwork = "test-net"\nsection = "s"\n',
            "membership #1 'test-net/None': field 'city': give the member",
        ),
        (
            GOOD + '\n[[network]]\nslug = "test-net"\nname = "Test net"\nsection = "s"\n'
            '\n[[membership]]\nnetwork = "test-net"\ncity = "test-harbour"\n'
            'organisation = "test-harbour-ngo"\nsection = "s"\n',
            "A membership is for a city or an organisation, not both.",
        ),
    ],
)
def test_the_models_rules_reach_the_loaders_errors(fixture_dir, broken, expected):
    write(fixture_dir, broken)
    before = counts()
    with pytest.raises(FixtureError) as exc:
        load_knowledge_base(fixture_dir)
    assert expected in str(exc.value)
    assert counts() == before


# What the loader issued for the whole knowledge base before it batched its reads and
# writes by kind (measured on SQLite, 2026-11-24: 22,411 queries for 552 records).
QUERIES_BEFORE = 22_411


def empty_the_knowledge_base():
    """Delete every loaded record (inside the test's transaction, so it comes back)."""
    from reversion.models import Revision
    from taggit.models import Tag

    from benchmarks.models import Benchmark, ContextualFactor, Factor, Illustration
    from cities.models import Country, Membership, Network
    from practices.models import FundingSource, TargetGroup, Theme
    from sources.models import SourceDocument

    for model in (
        Revision,
        Illustration,
        Factor,
        Benchmark,
        ContextualFactor,
        Tag,
        Citation,
        Practice,
        Contact,
        Membership,
        Network,
        Organisation,
        City,
        Country,
        Theme,
        TargetGroup,
        FundingSource,
        SourceDocument,
    ):
        model.objects.all().delete()


def test_loading_the_whole_knowledge_base_costs_a_quarter_of_the_queries_it_did(
    django_assert_max_num_queries, record_property
):
    practices = Practice.objects.count()
    empty_the_knowledge_base()
    assert Practice.objects.count() == 0
    with django_assert_max_num_queries(QUERIES_BEFORE // 4) as captured:
        report = load_knowledge_base(FIXTURES)
    record_property("loader_queries", len(captured))
    print(f"loader: {len(captured)} queries for {report.created} records")
    assert Practice.objects.count() == practices
    assert report.created > 500
    # Reloading an unchanged knowledge base reads, and writes nothing.
    with django_assert_max_num_queries(60):
        again = load_knowledge_base(FIXTURES)
    assert (again.created, again.updated) == (0, 0)


def test_a_file_that_is_not_utf8_is_refused_with_its_name(fixture_dir):
    (fixture_dir / "010_test.toml").write_bytes(GOOD.encode("utf-8") + b"\n# caf\xe9\n")
    with pytest.raises(FixtureError, match=r"010_test.toml: is not UTF-8 text"):
        load_knowledge_base(fixture_dir)


def test_a_file_of_mentions_only_reloads_without_citing_twice(fixture_dir):
    write(fixture_dir, GOOD)
    write(
        fixture_dir,
        'source = "cfai-collection"\n\n[[mention]]\nkind = "city"\nslug = "test-harbour"\n'
        'section = "Another section"\n',
        name="011_mentions.toml",
    )
    load_knowledge_base(fixture_dir)
    cited = Citation.objects.filter(section="Another section").count()
    again = load_knowledge_base(fixture_dir)
    assert cited == 1
    assert Citation.objects.filter(section="Another section").count() == 1
    assert (again.created, again.updated) == (0, 0)


# ----- notes, retired records and citations that move ---------------------------------

EXTRA_ORGANISATION = """
[[organisation]]
slug = "test-harbour-club"
name = "Test Harbour Club"
kind = "ngo"
section = "Test section"
"""

RETIRED = """
[[retired]]
kind = "organisation"
slug = "test-harbour-club"
reason = "The booklet does not name it."
"""


def test_decisions_and_quotations_are_notes_that_load_nowhere(fixture_dir):
    noted = GOOD.replace(
        'summary = "A desk."',
        'summary = "A desk, \\"open daily\\"."\n'
        'decisions = ["start_year: not printed"]\nquotations = ["summary"]',
    )
    write(fixture_dir, 'decisions = ["latitude, longitude: general knowledge"]\n' + noted)
    load_knowledge_base(fixture_dir)
    assert Practice.objects.get(slug="test-harbour-welcome").summary == 'A desk, "open daily".'


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('themes = ["welcome-reception"]', 'themes = ["welcome-reception"]\ndecisions = "x"'),
            "practice #1 'test-harbour-welcome': field 'decisions': must be a list of texts",
        ),
        (
            (
                'themes = ["welcome-reception"]',
                'themes = ["welcome-reception"]\nquotations = ["themes"]',
            ),
            "field 'quotations': 'themes' is not a text field of this table",
        ),
        (
            ('source = "mechelen-2024"', 'source = "mechelen-2024"\ndecisions = [1]'),
            "010_test.toml: 'decisions' must be a list of texts",
        ),
    ],
)
def test_bad_notes_are_refused(fixture_dir, change, expected):
    write(fixture_dir, GOOD.replace(*change))
    with pytest.raises(FixtureError) as exc:
        load_knowledge_base(fixture_dir)
    assert expected in str(exc.value)


def test_a_retired_record_is_deleted_on_the_next_load(fixture_dir):
    write(fixture_dir, GOOD + EXTRA_ORGANISATION)
    load_knowledge_base(fixture_dir)
    assert Organisation.objects.filter(slug="test-harbour-club").exists()
    write(fixture_dir, GOOD + RETIRED)
    report = load_knowledge_base(fixture_dir)
    assert not Organisation.objects.filter(slug="test-harbour-club").exists()
    assert report.retired == 1
    # Retiring what is already gone is nothing to do.
    assert load_knowledge_base(fixture_dir).retired == 0


def test_a_retired_record_a_curator_edited_is_kept(fixture_dir, superuser):
    write(fixture_dir, GOOD + EXTRA_ORGANISATION)
    load_knowledge_base(fixture_dir)
    club = Organisation.objects.get(slug="test-harbour-club")
    with reversion.create_revision():
        reversion.set_user(superuser)
        club.description = "Checked by a curator."
        club.save()
    write(fixture_dir, GOOD + RETIRED)
    report = load_knowledge_base(fixture_dir)
    assert Organisation.objects.filter(slug="test-harbour-club").exists()
    assert "organisation test-harbour-club (retired)" in report.kept_curated
    assert report.retired == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD + EXTRA_ORGANISATION + RETIRED, "organisation 'test-harbour-club' is still defined"),
        (GOOD + RETIRED.replace('reason = "The booklet does not name it."', ""), "say why"),
        (GOOD + RETIRED.replace('kind = "organisation"', 'kind = "theme"'), "cannot retire"),
        (
            GOOD
            + RETIRED.replace("organisation", "city").replace("test-harbour-club", "test-harbour"),
            "city 'test-harbour' is still defined",
        ),
    ],
)
def test_retiring_a_record_the_fixtures_still_use_is_refused(fixture_dir, text, expected):
    write(fixture_dir, text)
    with pytest.raises(FixtureError) as exc:
        load_knowledge_base(fixture_dir)
    assert expected in str(exc.value)


def test_retiring_a_record_another_record_points_at_is_refused(fixture_dir):
    write(fixture_dir, GOOD + EXTRA_ORGANISATION)
    load_knowledge_base(fixture_dir)
    with_partner = GOOD.replace(
        'lead_organisation = "test-harbour-ngo"\n',
        'lead_organisation = "test-harbour-ngo"\npartners = ["test-harbour-club"]\n',
    )
    write(fixture_dir, with_partner + RETIRED)
    with pytest.raises(FixtureError) as exc:
        load_knowledge_base(fixture_dir)
    assert "organisation 'test-harbour-club' is still cited or referenced" in str(exc.value)


def test_a_record_moved_to_another_section_stops_citing_the_old_one(fixture_dir):
    write(fixture_dir, GOOD)
    load_knowledge_base(fixture_dir)
    moved = GOOD.replace(
        'section = "Test section"\n\n[[organisation]]', 'section = "Moved"\n\n[[organisation]]'
    )
    write(fixture_dir, moved)
    report = load_knowledge_base(fixture_dir)
    city = City.objects.get(slug="test-harbour")
    assert list(city.citations.values_list("section", flat=True)) == ["Moved"]
    assert report.updated == 1
