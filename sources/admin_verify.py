"""Admin pieces for records that carry a verification date (portal/verification.py):
a "may be out of date" filter and a bulk "mark verified" action."""

import reversion
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.verification import stale_q


class StaleFilter(admin.SimpleListFilter):
    title = _("may be out of date")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes: not checked for too long")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(stale_q())
        if self.value() == "no":
            return queryset.exclude(stale_q())
        return queryset


class VerifiedAdminMixin:
    verified_fields = ["last_verified_on", "verified_by"]

    def get_readonly_fields(self, request, obj=None):
        # Set by the "mark verified" action, with who did it: never typed in.
        return [*super().get_readonly_fields(request, obj), *self.verified_fields]

    @admin.action(description=_("Mark the selected records verified today"), permissions=["change"])
    def mark_verified(self, request, queryset):
        today = timezone.localdate()
        count = 0
        # One revision each, like any edit: the history says who checked what, when.
        for record in queryset:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(f"Verified on {today.isoformat()}")
                record.last_verified_on = today
                record.verified_by = request.user
                record.save()
            count += 1
        text = ngettext(
            "%(count)s record marked verified.", "%(count)s records marked verified.", count
        )
        self.message_user(request, text % {"count": count}, messages.SUCCESS)
