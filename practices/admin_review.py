"""The practice admin's review workflow: buttons on the change form, bulk actions, the
review queue's columns. The rules themselves are in review.py."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.text import in_sentence

from . import review

# The change form's buttons: POST name -> transition.
BUTTONS = {"_submit_review": "submit", "_publish": "publish", "_to_draft": "to_draft"}


class ReviewForm(forms.ModelForm):
    review_note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Saved in the history with the review step (why it goes back, what changed)."),
    )


def _asked(request):
    names = [name for button, name in BUTTONS.items() if button in request.POST]
    return names[0] if names else None


class ReviewAdminMixin:
    form = ReviewForm
    change_form_template = "admin/practices/practice/change_form.html"
    review_fields = ["review_state", "is_published", "submitted_by", "submitted_at"]

    def has_publish_permission(self, request):
        return request.user.has_perm(review.PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        # Publishing goes through the workflow's buttons, never a checkbox.
        return [*super().get_readonly_fields(request, obj), *self.review_fields]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        name = _asked(request) if request.method == "POST" else None
        if name:
            practice = self.get_object(request, object_id) if object_id else self.model()
            if practice is None or not review.allowed(request.user, practice, name):
                raise PermissionDenied(
                    gettext("You may not take this practice to %(step)s.") % {"step": name}
                )
            request._review_step = name
        extra = {**(extra_context or {}), "review_buttons": self._buttons(request, object_id)}
        return super().changeform_view(request, object_id, form_url, extra)

    def _buttons(self, request, object_id):
        practice = self.get_object(request, object_id) if object_id else self.model()
        if practice is None:
            return []
        return [
            (button, review.TRANSITIONS[name].button)
            for button, name in BUTTONS.items()
            if review.allowed(request.user, practice, name)
        ]

    def save_model(self, request, obj, form, change):
        name = getattr(request, "_review_step", None)
        if name:
            label = review.apply(obj, name, request.user)
            request._review_comment = review.comment(label, form.cleaned_data.get("review_note"))
        super().save_model(request, obj, form, change)

    def _comment(self, request):
        if getattr(request, "_review_comment", None) and reversion.is_active():
            reversion.set_comment(request._review_comment)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._comment(request)
        return entry

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._comment(request)
        return entry

    def _bulk(self, request, queryset, name):
        done = skipped = 0
        for practice in queryset:
            if review.allowed(request.user, practice, name):
                review.transition(practice, name, request.user)
                done += 1
            else:
                skipped += 1
        label = in_sentence(gettext(review.TRANSITIONS[name].label))
        done_text = ngettext(
            "%(count)s practice: %(step)s.", "%(count)s practices: %(step)s.", done
        )
        self.message_user(request, done_text % {"count": done, "step": label}, messages.SUCCESS)
        if skipped:
            skipped_text = ngettext(
                "%(count)s practice left as it was: not in a state for it, or your own "
                "submission (a reviewer does not publish their own).",
                "%(count)s practices left as they were: not in a state for it, or your own "
                "submission (a reviewer does not publish their own).",
                skipped,
            )
            self.message_user(request, skipped_text % {"count": skipped}, messages.WARNING)

    @admin.action(description=_("Submit the selected practices for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description=_("Publish the selected practices"), permissions=["publish"])
    def publish(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(
        description=_("Send the selected practices back to draft"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        self._bulk(request, queryset, "to_draft")
