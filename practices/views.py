from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.export import export_rows
from portal.fairuse import fair_export
from portal.http import get_or_404
from sources.models import SourceDocument
from sources.versioning import conditional_on_content

from . import cite, list_cells
from .browse import Browse
from .exports import PRACTICE_COLUMNS
from .filters import SORTS
from .models import Practice, Theme
from .places import results_map

PAGE_SIZE = 20


class CountedPaginator(Paginator):
    """A paginator told its count (Browse has it from the facets) instead of asking,
    which reads a page in two steps: the page's ids in order, then their rows. Sorting
    only (sort key, id) pairs, not whole rows with their long texts, made a
    12,000-practice theme's page 3x faster on SQLite."""

    def __init__(self, *args, count, ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count
        self.ids = ids

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = self.ids(bottom, top)
        rows = self.object_list.model.objects.filter(pk__in=ids)
        rows = rows.for_list().in_bulk(ids) if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


@require_safe
@conditional_on_content
def practice_list(request):
    browse = Browse(request.GET, request.user)
    facet_order = "alpha" if request.GET.get("facet_sort") == "alpha" else "count"
    facets = browse.facets(order=facet_order, expand=request.GET.get("expand", ""))
    paginator = CountedPaginator(
        browse.results(), PAGE_SIZE, count=browse.count(), ids=browse.page_ids
    )
    # get_page() turns a missing or non-numeric page into 1, one past the end into the last.
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "browse": browse,
        "page": page,
        "practices": page.object_list,
        "facets": facets,
        "default_notes": browse.default_notes(facets),
        "facet_order": facet_order,
        "chips": browse.chips(),
        "without_last": browse.without_last_filter(),
        "sorts": SORTS,
        "theme": _single_theme(browse),
        "results_map": results_map(facets, request.GET),
    }
    # One partial serves the full page and the in-place reload done by browser.js.
    template = (
        "practices/_browser.html" if request.GET.get("partial") else "practices/practice_list.html"
    )
    return render(request, template, context)


def _single_theme(browse):
    """The theme the list is filtered to, if just one: the page is then that theme's page
    and describes itself with it (link previews, search results)."""
    themes = browse.filterset.selected("theme")
    return Theme.objects.filter(slug=themes[0]).first() if len(themes) == 1 else None


@require_safe
@conditional_on_content
@fair_export
def practice_export(request):
    """Exactly the browser's results for the same parameters, in the same order."""
    browse = Browse(request.GET, request.user)
    return export_rows(
        request,
        queryset=browse.results(),
        columns=PRACTICE_COLUMNS,
        name="practices",
        filters=browse.filters_in_force(),
        lists=list_cells.attach,
    )


@require_safe
@conditional_on_content
def practice_detail(request, slug):
    practice = get_or_404(
        Practice.objects.visible_to(request.user).for_detail(), "practice", slug=slug
    )
    related = Practice.objects.visible_to(request.user).related_to(practice)
    url = request.build_absolute_uri(practice.get_absolute_url())
    context = {
        "practice": practice,
        "related": related,
        "cite_text": cite.plain(practice, url),
        "cite_bibtex": cite.bibtex(practice, url),
    }
    return render(request, "practices/practice_detail.html", context)


@require_safe
def source_list(request):
    documents = SourceDocument.objects.all()
    return render(request, "practices/source_list.html", {"documents": documents})


@require_safe
def source_detail(request, key):
    document = get_or_404(SourceDocument.objects.all(), "source document", key=key)
    return render(request, "practices/source_detail.html", {"document": document})


@require_safe
@conditional_on_content
def theme_list(request):
    return render(
        request, "practices/theme_list.html", {"themes": Theme.objects.with_practice_counts()}
    )
