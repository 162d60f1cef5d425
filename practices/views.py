from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Practice, SourceDocument, Theme


@require_GET
def practice_list(request):
    practices = Practice.objects.visible_to(request.user).for_list()
    return render(request, "practices/practice_list.html", {"practices": practices})


@require_GET
def practice_detail(request, slug):
    try:
        practice = Practice.objects.visible_to(request.user).for_detail().get(slug=slug)
    except Practice.DoesNotExist:
        raise Http404(f"No practice has the address {slug!r}.") from None
    return render(request, "practices/practice_detail.html", {"practice": practice})


@require_GET
def source_detail(request, key):
    try:
        document = SourceDocument.objects.get(key=key)
    except SourceDocument.DoesNotExist:
        raise Http404(f"No source document has the key {key!r}.") from None
    return render(request, "practices/source_detail.html", {"document": document})


@require_GET
def theme_list(request):
    return render(
        request, "practices/theme_list.html", {"themes": Theme.objects.with_practice_counts()}
    )
