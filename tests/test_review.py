"""The review workflow, walked with real admin POSTs: editors submit, reviewers publish
(not their own submission), every step is in the history with its note and revertible."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from reversion.models import Version

from practices.models import Practice

from . import factories
from .admin_forms import form_data

pytestmark = pytest.mark.django_db


def staff(name, group):
    user = User.objects.create_user(name, f"{name}@example.eu", "a-long-test-password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reviewer(db):
    return staff("reviewer", "Reviewers")


@pytest.fixture
def other_reviewer(db):
    user = staff("other-reviewer", "Reviewers")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def draft(db):
    return factories.practice(
        slug="a-draft-for-review", title="A draft for review", is_published=False
    )


def step(client, practice, button, note="", expect=302):
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page)
    data.update({button: "go", "review_note": note})
    response = client.post(url, data)
    assert response.status_code == expect, response.context and response.context["errors"]
    practice.refresh_from_db()
    return page


def comments(practice):
    return [v.revision.comment for v in Version.objects.get_for_object(practice).order_by("pk")]


def test_the_reviewers_group_alone_may_publish():
    publish = Permission.objects.get(codename="publish_practice")
    assert Group.objects.get(name="Reviewers").permissions.filter(pk=publish.pk).exists()
    assert not Group.objects.get(name="Editors").permissions.filter(pk=publish.pk).exists()


def test_a_new_practice_is_a_draft_and_the_loaded_ones_are_published():
    assert set(
        Practice.objects.filter(is_published=True).values_list("review_state", flat=True)
    ) == {"published"}
    assert factories.practice(is_published=False).review_state == "draft"


def test_the_workflow_walked_in_the_admin(client, editor, reviewer, draft):
    client.force_login(editor)
    page = step(client, draft, "_submit_review", "Ready, figures checked")
    assert "_submit_review" in page.content.decode()
    assert (draft.review_state, draft.submitted_by, draft.is_published) == (
        "in_review",
        editor,
        False,
    )
    assert draft.submitted_at is not None

    # An editor has no publish button and cannot publish, by form or by bulk action.
    page = step(client, draft, "_publish", expect=403)
    assert (
        'name="_publish"'
        not in client.get(
            reverse("admin:practices_practice_change", args=[draft.pk])
        ).content.decode()
    )
    client.post(
        reverse("admin:practices_practice_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert (draft.review_state, draft.is_published) == ("in_review", False)

    # The review queue shows who submitted what.
    client.force_login(reviewer)
    queue = client.get(
        reverse("admin:practices_practice_changelist"), {"review_state__exact": "in_review"}
    )
    assert list(queue.context["cl"].result_list) == [draft]
    assert "editor" in queue.content.decode()

    step(client, draft, "_publish", "Reads well")
    assert (draft.review_state, draft.is_published) == ("published", True)
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 200

    client.force_login(reviewer)
    step(client, draft, "_to_draft", "Programme ended: check the status")
    assert (draft.review_state, draft.is_published) == ("draft", False)
    assert comments(draft)[-3:] == [
        "Submitted for review: Ready, figures checked",
        "Published: Reads well",
        "Back to draft: Programme ended: check the status",
    ]
    history = client.get(reverse("admin:practices_practice_history", args=[draft.pk]))
    assert "Programme ended: check the status" in history.content.decode()


def test_a_reviewer_cannot_publish_their_own_submission(client, other_reviewer, draft):
    client.force_login(other_reviewer)
    step(client, draft, "_submit_review", "Mine")
    step(client, draft, "_publish", expect=403)
    client.post(
        reverse("admin:practices_practice_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert (draft.review_state, draft.is_published) == ("in_review", False)


def test_a_superuser_may_publish_their_own_submission(client, superuser, draft):
    client.force_login(superuser)
    step(client, draft, "_submit_review")
    step(client, draft, "_publish")
    assert (draft.review_state, draft.is_published) == ("published", True)


def test_an_editor_cannot_take_a_published_practice_off_the_site(client, editor):
    practice = Practice.objects.published().first()
    client.force_login(editor)
    step(client, practice, "_to_draft", expect=403)
    assert practice.is_published


def test_every_step_can_be_reverted_from_the_admin(client, editor, reviewer, draft):
    client.force_login(editor)
    step(client, draft, "_submit_review", "First try")
    client.force_login(reviewer)
    step(client, draft, "_publish", "Fine")
    step(client, draft, "_to_draft", "Withdrawn by mistake")
    published = Version.objects.get_for_object(draft).get(revision__comment="Published: Fine")
    url = reverse("admin:practices_practice_revision", args=[draft.pk, published.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert client.post(url, form_data(page)).status_code == 302
    draft.refresh_from_db()
    assert (draft.review_state, draft.is_published) == ("published", True)
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 200
