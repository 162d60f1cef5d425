"""Every admin edit is recorded (who, when, what) and can be reverted from the admin."""

import pytest
from django.urls import reverse
from reversion.models import Version

from practices.models import Practice

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
    edit_in_admin(client, practice, title="Crossroads (edited)")
    latest = Version.objects.get_for_object(practice).select_related("revision").first()
    assert latest.revision.user == superuser
    assert latest.field_dict["title"] == "Crossroads (edited)"
    history = client.get(reverse("admin:practices_practice_history", args=[practice.pk]))
    assert superuser.username in history.content.decode()


def test_an_admin_edit_can_be_reverted_from_the_admin(client, superuser):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    original_title = practice.title
    original_themes = set(practice.themes.values_list("slug", flat=True))
    loaded = Version.objects.get_for_object(practice).first()
    client.force_login(superuser)

    data = form_data(client.get(reverse("admin:practices_practice_change", args=[practice.pk])))
    data["title"] = "A curator's mistake"
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
