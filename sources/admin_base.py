"""Admin pieces every curated model shares: edit history, revert and source citations."""

from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from .models import Citation
from .revisions import revert_plan


class CitationInline(GenericTabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["document"]
    fields = ["document", "section", "page"]


class CuratedAdmin(CompareVersionAdmin):
    """History (who, when, what, field by field) and revert for every change.

    Before a revert or a recovery, the page lists every row it will change, restore or
    delete; a revision that would also put back other records is refused (see
    sources/revisions.py), so reverting one record never rolls back another.
    """

    history_latest_first = True
    list_per_page = 50
    revision_form_template = "admin/curated/revision_form.html"
    recover_form_template = "admin/curated/recover_form.html"

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        return self._guarded(
            request,
            version,
            lambda context: super(CuratedAdmin, self).revision_view(
                request, object_id, version_id, context
            ),
            extra_context,
        )

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        return self._guarded(
            request,
            version,
            lambda context: super(CuratedAdmin, self).recover_view(request, version_id, context),
            extra_context,
        )

    def _guarded(self, request, version, view, extra_context):
        if not self.has_change_permission(request):
            # As the revert itself checks; answered before the plan reads anything.
            return view(extra_context)
        plan = revert_plan(version)
        if not plan.allowed:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("This revert would change other records: %(record)s")
                % {"record": version.object_repr},
                "plan": plan,
                "version": version,
            }
            return TemplateResponse(
                request, "admin/curated/revert_refused.html", context, status=409
            )
        return view({**(extra_context or {}), "plan": plan})
