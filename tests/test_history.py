"""Every admin edit is recorded (who, when, what) and can be reverted from the admin."""

import re

import pytest
import reversion
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from cities.models import Contact
from practices.models import Practice
from sources.models import SourceDocument

from .admin_forms import form_data

pytestmark = pytest.mark.django_db


def edit_in_admin(client, practice, **changes):
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_an_admin_edit_is_recorded_with_its_author(client, superuser):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    client.force_login(superuser)
    edit_in_admin(client, practice, title_en="Crossroads (edited)")
    latest = Version.objects.get_for_object(practice).select_related("revision").first()
    assert latest.revision.user == superuser
    assert latest.field_dict["title_en"] == "Crossroads (edited)"
    history = client.get(reverse("admin:practices_practice_history", args=[practice.pk]))
    assert superuser.username in history.content.decode()


def test_an_admin_edit_can_be_reverted_from_the_admin(client, superuser):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    original_title = practice.title
    original_themes = set(practice.themes.values_list("slug", flat=True))
    loaded = Version.objects.get_for_object(practice).first()
    client.force_login(superuser)

    data = form_data(client.get(reverse("admin:practices_practice_change", args=[practice.pk])))
    data["title_en"] = "A curator's mistake"
    data["themes"] = data["themes"][:1]
    client.post(reverse("admin:practices_practice_change", args=[practice.pk]), data)
    practice.refresh_from_db()
    assert practice.title == "A curator's mistake"

    revert_url = reverse("admin:practices_practice_revision", args=[practice.pk, loaded.pk])
    revert_page = client.get(revert_url)
    assert revert_page.status_code == 200
    response = client.post(revert_url, form_data(revert_page))
    assert response.status_code == 302

    practice.refresh_from_db()
    assert practice.title == original_title
    assert set(practice.themes.values_list("slug", flat=True)) == original_themes
    assert Version.objects.get_for_object(practice).count() == 3


# ----- a revert touches its record only (the "fix first" data loss) ----------------------


def knowledge_base_state(excluding):
    """Every practice but `excluding`: its title, contacts and tags; and every contact's
    practices, as /contacts/export.csv would list them."""
    practices = {
        p.slug: (
            p.title,
            sorted(c.key for c in p.contacts.all()),
            sorted(t.name for t in p.tags.all()),
        )
        for p in Practice.objects.exclude(pk=excluding.pk).prefetch_related("contacts", "tags")
    }
    contacts = {
        c.key: sorted(p.slug for p in c.practices.all())
        for c in Contact.objects.prefetch_related("practices")
    }
    return practices, contacts


def revert_url(practice, version):
    return reverse("admin:practices_practice_revision", args=[practice.pk, version.pk])


def test_reverting_one_practice_to_its_first_version_touches_no_other_record(
    client, superuser, django_capture_on_commit_callbacks
):
    first = Practice.objects.get(slug="stockholm-crossroads")
    other = Practice.objects.get(slug="vantaa-skills-centre")
    original_title = first.title
    client.force_login(superuser)
    edit_in_admin(client, first, title_en="Crossroads, edited")
    edit_in_admin(client, other, title_en="Skills centre, edited by another curator")
    before = knowledge_base_state(excluding=first)
    found_before = set(Practice.objects.search("vantaa").values_list("slug", flat=True))
    assert found_before and sum(len(c) for c in before[1].values()) > 0

    loaded = Version.objects.get_for_object(first).last()  # the loader's, the first one
    page = client.get(revert_url(first, loaded))
    assert page.status_code == 200
    # As in production, what runs when the revert commits runs (the search refresh).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(revert_url(first, loaded), form_data(page))
    assert response.status_code == 302

    first.refresh_from_db()
    assert first.title == original_title
    assert knowledge_base_state(excluding=first) == before
    assert Practice.objects.get(pk=other.pk).title == "Skills centre, edited by another curator"
    assert set(Practice.objects.search("vantaa").values_list("slug", flat=True)) == found_before
    assert Practice.objects.search("crossroads").filter(pk=first.pk).exists()


def test_the_revert_page_lists_what_will_change_before_it_is_confirmed(client, superuser):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    client.force_login(superuser)
    edit_in_admin(client, practice, title_en="Crossroads, edited")
    practice.citations.create(
        document=SourceDocument.objects.get(key="mechelen-2024"), section="Added by a curator"
    )
    loaded = Version.objects.get_for_object(practice).last()
    page = client.get(revert_url(practice, loaded)).content.decode()
    assert "What this will change" in page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "Changed: Practice: Crossroads, edited (title [en])" in text
    assert "Deleted (added since): Citation:" in text
    assert "Added by a curator" in page
    practice.refresh_from_db()
    assert practice.title == "Crossroads, edited"  # looking changes nothing


def test_a_revision_holding_other_records_is_refused(client, superuser):
    first = Practice.objects.get(slug="stockholm-crossroads")
    other = Practice.objects.get(slug="vantaa-skills-centre")
    with reversion.create_revision():  # as the loader once saved everything
        first.title, other.title = "Shared one", "Shared two"
        first.save()
        other.save()
    shared = Version.objects.get_for_object(first).first()
    first.title, other.title = "Later one", "Later two"
    first.save()
    other.save()
    client.force_login(superuser)

    page = client.get(revert_url(first, shared))
    assert page.status_code == 409
    assert "would put them back too" in page.content.decode()
    assert "Shared two" in page.content.decode()
    response = client.post(revert_url(first, shared), {"title": "Shared one"})
    assert response.status_code == 409
    assert Practice.objects.get(pk=first.pk).title == "Later one"
    assert Practice.objects.get(pk=other.pk).title == "Later two"


def test_split_revisions_gives_each_record_its_own_revision(client, superuser):
    first = Practice.objects.get(slug="stockholm-crossroads")
    other = Practice.objects.get(slug="vantaa-skills-centre")
    with reversion.create_revision():
        reversion.add_to_revision(first)
        reversion.add_to_revision(other)
    shared = Version.objects.get_for_object(first).first().revision
    assert {v.object_id for v in shared.version_set.filter(content_type__model="practice")} == {
        str(first.pk),
        str(other.pk),
    }
    call_command("split_revisions", verbosity=0)
    mine = Version.objects.get_for_object(first).first().revision
    theirs = Version.objects.get_for_object(other).first().revision
    assert mine != theirs
    # Each keeps what it owns: its citations came along.
    assert (
        mine.version_set.filter(content_type__model="citation").count() == first.citations.count()
    )
    client.force_login(superuser)
    version = Version.objects.get_for_object(first).first()
    assert client.get(revert_url(first, version)).status_code == 200


def test_history_shows_times_to_the_second_and_compares_versions(client, superuser):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    client.force_login(superuser)
    edit_in_admin(client, practice, title_en="Crossroads, edited")
    history = client.get(reverse("admin:practices_practice_history", args=[practice.pk]))
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", history.content.decode())
    newest, oldest = Version.objects.get_for_object(practice)[:2]
    compare = client.get(
        reverse("admin:practices_practice_compare", args=[practice.pk]),
        {"version_id1": oldest.pk, "version_id2": newest.pk},
    )
    assert compare.status_code == 200
    assert "Crossroads, edited" in compare.content.decode()
