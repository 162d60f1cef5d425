"""dump_knowledge_base writes the database back to the fixture files it came from."""

import shutil
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cities.models import Contact
from practices.models import Practice, Theme
from sources.dump import dump_knowledge_base, record_data
from sources.loader import load_knowledge_base
from sources.records import ordered_kinds

from .test_loader import empty_the_knowledge_base

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def texts(directory):
    return {
        path.name: path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.toml"))
    }


def parsed(directory):
    return {name: tomllib.loads(text) for name, text in texts(directory).items()}


def content():
    """Every record as the fixtures would write it, by kind and key."""
    return {
        (spec.name, spec.object_key(obj)): record_data(spec, obj)
        for spec in ordered_kinds()
        for obj in spec.model._default_manager.all()
    }


def test_dumping_the_unedited_knowledge_base_reproduces_the_fixture_files(tmp_path):
    call_command("dump_knowledge_base", str(tmp_path), verbosity=0)
    assert parsed(tmp_path) == parsed(FIXTURES)
    # More than the same meaning: the same bytes, comments and DECISION notes included.
    assert texts(tmp_path) == texts(FIXTURES)


def test_a_curators_edit_is_a_diff_of_the_lines_it_changed(tmp_path):
    shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    practice = Practice.objects.get(slug="stockholm-crossroads")
    practice.title = "Crossroads, renamed"
    practice.results = 'Two lines,\nthe second "quoted".'
    practice.save()
    practice.themes.add(Theme.objects.get(slug="culture-sport"))
    dump_knowledge_base(tmp_path)
    before = texts(FIXTURES)["000_cfai_collection.toml"].splitlines()
    after = texts(tmp_path)["000_cfai_collection.toml"].splitlines()
    removed = [line for line in before if line not in after]
    added = [line for line in after if line not in before]
    assert 'title = "Crossroads, renamed"' in added
    assert any('"culture-sport"' in line for line in added)
    assert len(removed) < 15  # the title, the results paragraph and the themes, no more
    record = next(
        p for p in tomllib.loads("\n".join(after))["practice"] if p["slug"] == practice.slug
    )
    assert record["results"] == 'Two lines,\nthe second "quoted".'
    assert "culture-sport" in record["themes"]
    assert texts(tmp_path)["002_mechelen_2024.toml"] == texts(FIXTURES)["002_mechelen_2024.toml"]


def test_new_and_deleted_records_come_and_go_in_their_sources_file(tmp_path):
    shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    gone = Practice.objects.get(slug="stockholm-crossroads")
    gone.illustrations.all().delete()
    Contact.objects.filter(practices=gone).update()
    gone.delete()
    new = Practice.objects.create(
        title="A curator's new entry",
        slug="a-curators-new-entry",
        city=Practice.objects.get(slug="vantaa-skills-centre").city,
        summary="Added in the admin.",
        is_published=False,
    )
    new.themes.add(Theme.objects.get(slug="housing-homelessness"))
    new.citations.create(
        document=Practice.objects.get(slug="vantaa-skills-centre").citations.first().document,
        section="Vantaa",
    )
    dump_knowledge_base(tmp_path)
    files = parsed(tmp_path)
    assert "stockholm-crossroads" not in texts(tmp_path)["000_cfai_collection.toml"]
    added = next(p for p in files["002_mechelen_2024.toml"]["practice"] if p["slug"] == new.slug)
    assert added["published"] is False
    assert added["themes"] == ["housing-homelessness"]
    assert added["section"] == "Vantaa"


def test_a_dump_loads_into_an_empty_database_with_the_same_content(tmp_path):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    practice.summary = "Edited before the dump."
    practice.save()
    contact = Contact.objects.filter(is_public=True).first()
    contact.is_public = False
    contact.save()
    before = content()
    dump_knowledge_base(tmp_path / "dump", layout_from=FIXTURES)

    empty_the_knowledge_base()
    assert not Practice.objects.exists()
    load_knowledge_base(tmp_path / "dump")

    assert content() == before
    dump_knowledge_base(tmp_path / "again", layout_from=FIXTURES)
    assert texts(tmp_path / "again") == texts(tmp_path / "dump")
