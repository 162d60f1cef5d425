"""The export's stored list cells: what a rebuild would make, after every kind of write,
so that an export read right after an edit shows it."""

import csv
import io
import threading
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from benchmarks.models import Factor, Illustration
from cities.models import Contact, Organisation
from practices import facet_index, list_cells
from practices.cell_store import ListCells
from practices.models import FundingSource, Practice, TargetGroup, Theme
from practices.touched import coalesced
from sources.models import Citation, SourceDocument
from tests import factories
from tests.admin_forms import edit_in_admin, form_data
from tests.test_facet_index import index_state

pytestmark = pytest.mark.django_db
CELLS = [column.name for column in list_cells.LIST_COLUMNS]


def cells_state():
    """{(practice, language): cells} of every row with a list in it (a practice with
    none may have a row of empty cells or no row: the export reads both as empty)."""
    rows = ListCells.objects.values_list("practice_id", "language", *CELLS)
    return {(pid, lang): cells for pid, lang, *cells in rows if any(cells)}


def linked(relation):
    return Practice.objects.filter(**{f"{relation}__isnull": False}).distinct()


def save_first(queryset, **changes):
    """Change the first record of `queryset` and save it, as a curator would."""
    record = queryset.first()
    for field, value in changes.items():
        setattr(record, field, value)
    record.save()


def rename_theme_in_french():
    save_first(Theme.objects.filter(practices__isnull=False), name_fr="Aaa thème renommé")


def change_a_theme_slug():
    save_first(Theme.objects.filter(practices__isnull=False), slug="renamed-theme")


def rename_a_target_group():
    save_first(TargetGroup.objects.filter(practices__isnull=False), name_en="Aaa renamed group")


def rename_a_funding_source():
    save_first(FundingSource.objects.filter(practices__isnull=False), name_en="Aaa renamed funder")


def change_a_partners_slug():
    save_first(Organisation.objects.filter(partner_practices__isnull=False), slug="renamed-partner")


def rename_a_partner_so_it_sorts_first():
    # The cell holds slugs in the order of the names: a rename reorders it.
    for candidate in linked("partners"):
        partners = list(candidate.partners.order_by("name"))
        if len(partners) > 1:
            partners[-1].name = "AAA first now"
            partners[-1].save()
            return
    raise AssertionError("no practice with two partners in the knowledge base")


def change_a_contacts_role():
    save_first(Contact.objects.filter(practices__isnull=False, is_public=True), role="Renamed role")


def make_a_contact_private():
    save_first(Contact.objects.filter(practices__isnull=False, is_public=True), is_public=False)


def link_a_contact_from_its_side():
    contact = factories.contact(name="Linked from the contact")
    contact.practices.add(*Practice.objects.all()[:3])


def clear_a_contacts_practices_from_its_side():
    Contact.objects.filter(practices__isnull=False, is_public=True).first().practices.clear()


def delete_a_contact():
    Contact.objects.filter(practices__isnull=False, is_public=True).first().delete()


def add_and_remove_tags():
    first, second = Practice.objects.all()[:2]
    first.tags.add("aaa-new-tag")
    second.tags.remove(*second.tags.all()[:1])


def rename_a_tag():
    save_first(Tag.objects.filter(taggit_taggeditem_items__isnull=False), name="aaa renamed tag")


def delete_a_tagged_item_directly():
    practice_rows(TaggedItem).first().delete()


def illustrate_a_factor():
    Illustration.objects.create(
        practice=Practice.objects.filter(illustrations__isnull=True).first(),
        factor=Factor.objects.first(),
    )


def change_a_factors_code():
    save_first(Factor.objects.filter(illustrations__isnull=False), code="Z9")


def move_an_illustration_to_another_practice():
    illustration = Illustration.objects.first()
    illustration.practice = Practice.objects.exclude(pk=illustration.practice_id).first()
    illustration.save()


def practice_rows(model):
    """Rows of a generic relation that point at practices (not at cities, say)."""
    return model.objects.filter(content_type=ContentType.objects.get_for_model(Practice))


def change_a_citations_section():
    save_first(practice_rows(Citation), section="A new section")


def delete_a_citation():
    practice_rows(Citation).first().delete()


def retitle_a_source_document():
    save_first(SourceDocument.objects.filter(citations__isnull=False), title="A retitled booklet")


def set_a_practices_lists():
    practice = Practice.objects.first()
    practice.themes.set(Theme.objects.all()[:3])
    practice.target_groups.clear()
    practice.funding_sources.add(FundingSource.objects.first())
    practice.partners.add(Organisation.objects.first())


def delete_a_theme():
    Theme.objects.filter(practices__isnull=False).last().delete()


def delete_a_practice_with_everything_it_owns():
    # Its cascade (illustrations, citations, tags) must not write its cells back.
    practice = linked("illustrations").filter(tags__isnull=False, citations__isnull=False)[0]
    practice.delete()


EDITS = [
    rename_theme_in_french,
    change_a_theme_slug,
    rename_a_target_group,
    rename_a_funding_source,
    change_a_partners_slug,
    rename_a_partner_so_it_sorts_first,
    change_a_contacts_role,
    make_a_contact_private,
    link_a_contact_from_its_side,
    clear_a_contacts_practices_from_its_side,
    delete_a_contact,
    add_and_remove_tags,
    rename_a_tag,
    delete_a_tagged_item_directly,
    illustrate_a_factor,
    change_a_factors_code,
    move_an_illustration_to_another_practice,
    change_a_citations_section,
    delete_a_citation,
    retitle_a_source_document,
    set_a_practices_lists,
    delete_a_theme,
    delete_a_practice_with_everything_it_owns,
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__)
def test_every_kind_of_write_keeps_the_cells_as_a_rebuild_would_make_them(edit):
    before = cells_state()
    edit()
    after_the_edit = cells_state()
    assert after_the_edit != before, "the edit changed no cell: it tests nothing"
    # No row outlives its practice (the commit would fail on its foreign key).
    assert not ListCells.objects.exclude(practice__in=Practice.objects.all()).exists()
    list_cells.rebuild()
    assert after_the_edit == cells_state()


def test_each_list_column_of_the_export_has_its_stored_cell():
    stored = {f.name for f in ListCells._meta.get_fields()} - {"id", "practice", "language"}
    assert stored == set(CELLS)
    assert len(CELLS) == 11


def test_the_export_shows_an_admin_edit_right_away(client, superuser):
    practice = Practice.objects.published().of_browser_kinds().filter(themes__isnull=False)[0]
    export = reverse("practices:export")

    def themes_cell():
        body = b"".join(client.get(export).streaming_content).decode()
        rows = csv.DictReader(io.StringIO(body))
        return next(row["theme_slugs"] for row in rows if row["slug"] == practice.slug)

    assert themes_cell() != "volunteering"
    volunteering = Theme.objects.get(slug="volunteering")
    response = edit_in_admin(client, superuser, practice, themes=[str(volunteering.pk)])
    assert response.status_code == 302
    assert themes_cell() == "volunteering"


def count_rewrites(monkeypatch):
    """{store: [ids of each rewrite]} of the list cells and the facet index, from now."""
    log = {"cells": [], "keys": []}
    for module, name in ((list_cells, "cells"), (facet_index, "keys")):
        refresh = module.refresh

        def logged(ids, name=name, refresh=refresh):
            log[name].append(set(ids))
            refresh(ids)

        monkeypatch.setattr(module, "refresh", logged)
    return log


def test_a_revert_brings_the_cells_back_rewriting_them_once(client, superuser, monkeypatch):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    loaded = Version.objects.get_for_object(practice).first()
    before = cells_state(), index_state()
    client.force_login(superuser)
    change = reverse("admin:practices_practice_change", args=[practice.pk])
    data = form_data(client.get(change))
    data["themes"] = data["themes"][:1]
    client.post(change, data)
    assert cells_state() != before[0]
    revert = reverse("admin:practices_practice_revision", args=[practice.pk, loaded.pk])
    page = client.get(revert)
    # The revert saves the practice, its links and citations one by one (10 list-cell
    # rewrites before), then its form: each store rewrites the practice once.
    rewrites = count_rewrites(monkeypatch)
    response = client.post(revert, form_data(page))
    assert response.status_code == 302
    assert (cells_state(), index_state()) == before
    assert rewrites == {"cells": [{practice.pk}], "keys": [{practice.pk}]}


def test_a_database_without_cells_gets_them_after_migrate():
    made = cells_state()
    ListCells.objects.all().delete()
    list_cells.ensure_list_cells()
    assert made and cells_state() == made


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time anyway"
)
def test_two_writers_who_touch_one_practice_take_turns(knowledge_base):
    # Two curators rename two tags of one practice at once. Were they to rewrite its
    # cells side by side, the second's delete would miss the first's new rows and its
    # insert fail on them; the content version's row lock makes them take turns.
    practice = next(p for p in Practice.objects.filter(tags__isnull=False) if p.tags.count() > 1)
    one, other = practice.tags.order_by("pk")[:2]
    first_wrote, release, errors = threading.Event(), threading.Event(), []

    def rename(tag, name):
        tag = Tag.objects.get(pk=tag.pk)
        tag.name = name
        tag.save()

    def first():
        try:
            with transaction.atomic():
                rename(one, "renamed by the first curator")
                first_wrote.set()
                release.wait(10)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            first_wrote.wait(10)
            with transaction.atomic():
                rename(other, "renamed by the second curator")
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    # The second writer is now waiting for the first.
    time.sleep(0.5)
    release.set()
    for thread in threads:
        thread.join(20)
    assert errors == []
    tags = ListCells.objects.get(practice=practice, language="en").tags
    assert "renamed by the first curator" in tags and "renamed by the second curator" in tags
    written = cells_state()
    list_cells.rebuild()
    assert written == cells_state()


def test_an_admin_save_rewrites_a_practices_derived_rows_once(client, superuser, monkeypatch):
    # Each changed list (themes, target groups, funding, tags, a citation inline) used to
    # rewrite the practice's list cells and facet keys on its own: 17 and 18 rewrites
    # of the same rows on one save. Now once each, at the end of the form's save.
    practice = Practice.objects.get(slug="stockholm-crossroads")
    rewrites = count_rewrites(monkeypatch)
    client.force_login(superuser)
    change = reverse("admin:practices_practice_change", args=[practice.pk])
    data = form_data(client.get(change))
    data["themes"] = [str(Theme.objects.exclude(practices=practice).first().pk)]
    data["target_groups"] = [str(TargetGroup.objects.exclude(practices=practice).first().pk)]
    data["funding_sources"] = [str(FundingSource.objects.exclude(practices=practice).first().pk)]
    data["tags"] = "aaa first tag, zzz second tag"
    data["sources-citation-content_type-object_id-0-page"] = "999"
    before = cells_state(), index_state()
    response = client.post(change, data)
    assert response.status_code == 302
    assert rewrites == {"cells": [{practice.pk}], "keys": [{practice.pk}]}
    after = cells_state(), index_state()
    assert after[0] != before[0] and after[1] != before[1]
    list_cells.rebuild()
    facet_index.rebuild()
    assert (cells_state(), index_state()) == after


def test_a_coalesced_write_that_fails_leaves_the_next_write_immediate():
    # The block's waiting practices go with its error (the transaction rolls back too):
    # a later write outside any block rewrites its cells at once.
    before = cells_state()
    with pytest.raises(RuntimeError), transaction.atomic(), coalesced():
        rename_theme_in_french()
        raise RuntimeError("the form failed")
    assert cells_state() == before
    rename_theme_in_french()
    assert cells_state() != before
    after = cells_state()
    list_cells.rebuild()
    assert cells_state() == after


def test_recovering_a_deleted_practice_brings_its_cells_and_counts_back(
    client, superuser, monkeypatch
):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    before = cells_state(), index_state()
    client.force_login(superuser)
    delete = reverse("admin:practices_practice_delete", args=[practice.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert cells_state() != before[0]
    deleted = Version.objects.get_deleted(Practice).get(object_id=str(practice.pk))
    recover = reverse("admin:practices_practice_recover", args=[deleted.pk])
    page = client.get(recover)
    rewrites = count_rewrites(monkeypatch)
    response = client.post(recover, form_data(page))
    assert response.status_code == 302
    assert rewrites == {"cells": [{practice.pk}], "keys": [{practice.pk}]}
    assert Practice.objects.filter(slug="stockholm-crossroads").exists()
    after = cells_state(), index_state()
    assert after == before
    list_cells.rebuild()
    facet_index.rebuild()
    assert (cells_state(), index_state()) == after


def test_a_practice_added_in_the_admin_gets_its_derived_rows_once(client, superuser, monkeypatch):
    # The new practice's row, then its lists and tags, are saved apart: its facet keys
    # and list cells are written once, at the end of the form's save.
    model = Practice.objects.get(slug="stockholm-crossroads")
    client.force_login(superuser)
    copied = form_data(client.get(reverse("admin:practices_practice_change", args=[model.pk])))
    add = reverse("admin:practices_practice_add")
    data = form_data(client.get(add))
    data.update({name: value for name, value in copied.items() if "-" not in name})
    data.update(title="A copy of Crossroads", slug="a-copy-of-crossroads", tags="copied-tag")
    rewrites = count_rewrites(monkeypatch)
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Practice.objects.get(slug="a-copy-of-crossroads")
    assert rewrites == {"cells": [{added.pk}], "keys": [{added.pk}]}
    tags_cell = CELLS.index("tags")
    cells = [cells for (pid, _lang), cells in cells_state().items() if pid == added.pk]
    assert cells and all(row[tags_cell] == "copied-tag" for row in cells)
    written = cells_state(), index_state()
    assert added.pk in {pid for pid, *_rest in written[1][0]}
    list_cells.rebuild()
    facet_index.rebuild()
    assert (cells_state(), index_state()) == written
