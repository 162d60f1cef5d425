"""sitemap.xml: every published page a search engine may list, one query per section."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from benchmarks.models import Benchmark
from cities.models import City, Network, Organisation
from practices.models import Practice
from sources.models import SourceDocument


class LanguagesSitemap(Sitemap):
    """Each page in every language, with its hreflang alternates (and x-default, the
    English address): items are read once and listed once a language, no query more."""

    i18n = True
    alternates = True
    x_default = True


class PracticeSitemap(LanguagesSitemap):
    changefreq = "monthly"

    def items(self):
        # Drafts never: the sitemap is public.
        return Practice.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, practice):
        return practice.updated


class ModelSitemap(LanguagesSitemap):
    """Every row of a model whose rows are all public (cities, organisations...)."""

    changefreq = "monthly"

    def __init__(self, model, *fields):
        self.model, self.fields = model, fields

    def items(self):
        return self.model.objects.only(*self.fields).order_by("pk")


class PageSitemap(LanguagesSitemap):
    changefreq = "weekly"
    pages = (
        "home",
        "practices:list",
        "practices:sources",
        "themes",
        "cities:list",
        "cities:organisations",
        "cities:networks",
        "benchmarks:list",
        "benchmarks:contextual",
    )

    def items(self):
        return self.pages

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "practices": PracticeSitemap,
    "cities": ModelSitemap(City, "slug"),
    "organisations": ModelSitemap(Organisation, "slug"),
    "networks": ModelSitemap(Network, "slug"),
    "benchmarks": ModelSitemap(Benchmark, "slug"),
    "sources": ModelSitemap(SourceDocument, "key"),
}
