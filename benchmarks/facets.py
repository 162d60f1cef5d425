"""The VALUES factor facet of the practice browser: practices by the factors they
illustrate. Declared here, not in practices, because practices sits below benchmarks
and never imports it; registered with the practice facets in BenchmarksConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from practices.facet_keys import ModelVocabulary, link_keys
from practices.facets import Facet, linked, model_labels

from .models import Factor, Illustration


def _label(code, title):
    return f"{code}. {title}"


FACTOR = Facet(
    "factor",
    _("VALUES factor"),
    apply=linked(Illustration, "factor__code", "practice_id"),
    labels=model_labels(Factor, key="code", field="title", fmt=_label),
    keys=link_keys(Illustration, "practice_id", "factor_id"),
    follows=((Illustration, lambda illustration: [illustration.practice_id]),),
    vocabulary=ModelVocabulary(Factor, key="code", field="title", fmt=_label),
    # Between the city's network (80) and tags (90).
    order=85,
)
