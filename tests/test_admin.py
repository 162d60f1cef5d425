"""Curators can reach every admin page; editors cannot manage users."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

CONTENT_APPS = {"cities", "practices", "benchmarks", "taggit"}


def content_models():
    return [m for m in admin.site._registry if m._meta.app_label in CONTENT_APPS]


def some_object(model):
    return model._default_manager.order_by("pk").first()


# Assessments and city editors are not curated content: they grant and record cities'
# own judgements, so only superusers (and city editors, through the portal) touch them.
NOT_FOR_CURATORS = {"assessment", "cityeditor"}
# Written by a command only (check_links): the admin reads them, nobody adds one.
READ_ONLY = {"linkcheck"}


@pytest.mark.parametrize("who", ["superuser", "editor"])
def test_every_changelist_add_and_change_page_loads(client, who, request):
    client.force_login(request.getfixturevalue(who))
    models = content_models()
    assert len(models) >= 17
    for model in models:
        info = model._meta.app_label, model._meta.model_name
        if who == "editor" and model._meta.model_name in NOT_FOR_CURATORS:
            response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
            assert response.status_code == 403, info
            continue
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
        add = reverse("admin:{}_{}_add".format(*info))
        read_only = model._meta.model_name in READ_ONLY
        assert client.get(add).status_code == (403 if read_only else 200), add
        obj = some_object(model)
        if obj is not None:
            url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert client.get(url).status_code == 200, url
            url = reverse("admin:{}_{}_history".format(*info), args=[obj.pk])
            assert client.get(url).status_code == 200, url


def test_changelist_search_works(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:practices_practice_changelist"), {"q": "Crossroads"})
    assert response.status_code == 200
    assert "Crossroads" in response.content.decode()


def test_an_editor_cannot_manage_users(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_add")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("admin:practices_practice_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_view_on_site_leads_to_the_public_page(client, superuser):
    from practices.models import Practice

    practice = Practice.objects.published().first()
    client.force_login(superuser)
    change = client.get(reverse("admin:practices_practice_change", args=[practice.pk]))
    assert change.context["has_absolute_url"] is True
    redirect = client.get(
        change.context["original"]
        and reverse("admin:view_on_site", args=[change.context["content_type_id"], practice.pk])
    )
    assert redirect.status_code == 302
    assert redirect["Location"].endswith(practice.get_absolute_url())
    assert client.get(practice.get_absolute_url()).status_code == 200


def test_bulk_unpublish_hides_and_records_history(client, superuser):
    from reversion.models import Version

    from practices.models import Practice

    practice = Practice.objects.published().first()
    client.force_login(superuser)
    response = client.post(
        reverse("admin:practices_practice_changelist"),
        {"action": "unpublish", "_selected_action": [practice.pk]},
        follow=True,
    )
    assert response.status_code == 200
    practice.refresh_from_db()
    assert practice.is_published is False
    latest = Version.objects.get_for_object(practice).first()
    assert latest.revision.user == superuser
    assert client.get(practice.get_absolute_url()).status_code == 200  # staff still see drafts
    client.logout()
    assert client.get(practice.get_absolute_url()).status_code == 404
