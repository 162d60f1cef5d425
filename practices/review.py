"""The review workflow: draft -> in review -> published, and back to draft with a note.

Editors write and submit; publishing needs the `publish_practice` permission (the
Reviewers group, made by migration 0012), and a reviewer may not publish a practice
they submitted themselves unless they are a superuser. Every transition is saved in
its own revision, with its note as the revision's comment, so the history lists it and
it can be reverted like any edit.
"""

from dataclasses import dataclass

import reversion
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .models import Practice, ReviewState

PERMISSION = "practices.publish_practice"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # for the history, in the source language (shown translated)
    sources: tuple
    target: str
    button: str = ""


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit",
            gettext_noop("Submitted for review"),
            (ReviewState.DRAFT,),
            ReviewState.IN_REVIEW,
            _("Submit for review"),
        ),
        Transition(
            "publish",
            gettext_noop("Published"),
            (ReviewState.DRAFT, ReviewState.IN_REVIEW),
            ReviewState.PUBLISHED,
            _("Publish"),
        ),
        Transition(
            "to_draft",
            gettext_noop("Back to draft"),
            (ReviewState.IN_REVIEW, ReviewState.PUBLISHED),
            ReviewState.DRAFT,
            _("Back to draft"),
        ),
    )
}


def can_publish(user, practice):
    if not user.has_perm(PERMISSION):
        return False
    return user.is_superuser or practice.submitted_by_id != user.pk


def allowed(user, practice, name):
    """Whether `user` may take `practice` through transition `name` now."""
    transition = TRANSITIONS[name]
    if practice.review_state not in transition.sources:
        return False
    if name == "publish":
        return can_publish(user, practice)
    if name == "to_draft" and practice.review_state == ReviewState.PUBLISHED:
        # Taking a practice off the site is a publishing decision too.
        return user.has_perm(PERMISSION)
    return user.has_perm("practices.change_practice")


def apply(practice, name, user):
    """Set the fields of transition `name` on `practice` (not saved); its comment."""
    transition = TRANSITIONS[name]
    practice.review_state = transition.target
    practice.is_published = transition.target == ReviewState.PUBLISHED
    if name == "submit":
        practice.submitted_by = user
        practice.submitted_at = timezone.now()
    return transition.label


def comment(label, note):
    return f"{label}: {note}" if note else label


def transition(practice, name, user, note=""):
    """One transition outside a form (the admin's bulk actions): its own revision."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment(apply(practice, name, user), note))
        practice.save()


def awaiting_review():
    return Practice.objects.filter(review_state=ReviewState.IN_REVIEW)
