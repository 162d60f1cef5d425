"""The VALUES factor facet of the practice browser: practices by the factors they
illustrate. Declared here, not in practices, because practices sits below benchmarks
and never imports it; registered with the practice facets in BenchmarksConfig.ready()."""

from practices.facets import Facet, link_rows, linked, model_labels

from .models import Factor, Illustration


def _label(code, title):
    return f"{code}. {title}"


def _counts(ids):
    rows = link_rows(Illustration, "practice_id", "factor__code", "factor__title")(ids)
    return [(code, _label(code, title), n) for code, title, n in rows]


FACTOR = Facet(
    "factor",
    "VALUES factor",
    apply=linked(Illustration, "factor__code", "practice_id"),
    labels=model_labels(Factor, key="code", field="title", fmt=_label),
    count=_counts,
    # Between the city's network (80) and tags (90).
    order=85,
)
