"""Admin pieces every curated model shares: edit history, revert and source citations."""

from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields
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


class TranslatedCuratedAdmin(TranslationAdmin, CuratedAdmin):
    """CuratedAdmin for a model with translated fields (modeltranslation): each translated
    field is one row holding its languages side by side (English, French, German,
    Spanish, Italian), so a curator translates while reading the original. History and
    revert are CuratedAdmin's: each version holds every language (see translation.py).
    """

    class Media:
        css = {"all": ["css/admin-translations.css"]}

    def get_fieldsets(self, request, obj=None):
        # modeltranslation lists a field's languages one under another; a tuple puts
        # them on one row.
        fieldsets = super().get_fieldsets(request, obj)
        return [
            (name, {**opts, "fields": self._side_by_side(opts["fields"])})
            for name, opts in fieldsets
        ]

    def _side_by_side(self, fields):
        groups = {
            column: tuple(get_translation_fields(original))
            for original in self.trans_opts.all_fields
            for column in get_translation_fields(original)
        }
        grouped = []
        for name in fields:
            group = groups.get(name) if isinstance(name, str) else None
            if group is None:
                grouped.append(name)
            elif group not in grouped:
                grouped.append(group)
        return grouped
