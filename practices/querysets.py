"""The practices' queries: the browser's orders, list and detail prefetches, search."""

from django.db import models
from django.db.models import Case, Count, F, Q, When

from cities.models import Contact
from sources.models import Citation

from .choices import PracticeKind
from .search import apply_search


class PracticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def of_browser_kinds(self):
        return self.filter(kind__in=PracticeKind.browser_default())

    @staticmethod
    def visible_states(user):
        """Drafts are for curators: staff see them on the site, nobody else does. The
        published states a user sees (the facet index counts by them)."""
        if user is not None and user.is_active and user.is_staff:
            return (True, False)
        return (True,)

    def visible_to(self, user):
        return self if False in self.visible_states(user) else self.published()

    def search(self, query):
        """Word-prefix search over the folded search document; ranked on PostgreSQL."""
        return apply_search(self, query)

    def sorted_by(self, key):
        """The browser's orders; `pk` last so that every order is total and stable."""
        if key == "relevance" and "rank" in self.query.annotations:
            return self.order_by(F("rank").desc(), "sort_title", "pk")
        if key == "newest":
            return self.order_by(F("start_year").desc(nulls_last=True), "sort_title", "pk")
        if key == "city":
            return self.order_by(F("city__name").asc(nulls_last=True), "sort_title", "pk")
        return self.order_by("sort_title", "pk")

    def recently_added(self, limit=6):
        """The newest records first, as the home page lists them; id breaks ties (a
        fixture load creates many in the same second)."""
        return self.order_by("-created", "-pk").for_list()[:limit]

    def for_list(self):
        """The browser's result list: one query for rows, one for their themes."""
        return self.select_related("city__country", "lead_organisation").prefetch_related("themes")

    def related_to(self, practice, limit=6):
        """Practices sharing themes or tags with `practice`: same country first, then the
        most shared, then title. One query (plus the list's theme prefetch)."""
        theme_ids = [t.pk for t in practice.themes.all()]
        tag_ids = [t.pk for t in practice.tags.all()]
        country = practice.city.country_id if practice.city_id else None
        shared = Count("themes", filter=Q(themes__in=theme_ids), distinct=True) + Count(
            "tags", filter=Q(tags__in=tag_ids), distinct=True
        )
        return (
            self.exclude(pk=practice.pk)
            .filter(Q(themes__in=theme_ids) | Q(tags__in=tag_ids))
            .annotate(
                shared=shared,
                same_country=Case(When(city__country=country, then=1), default=0),
            )
            .order_by("-same_country", "-shared", "sort_title", "pk")
            .for_list()[:limit]
        )

    def for_detail(self):
        return self.select_related(
            "city__country", "country", "lead_organisation"
        ).prefetch_related(
            "themes",
            "target_groups",
            "funding_sources",
            "tags",
            "partners",
            models.Prefetch("contacts", queryset=Contact.objects.public()),
            "citations__document",
            "illustrations__factor__benchmark",
        )

    def for_export(self):
        """Export rows. Prefetched into plain lists (to_attr): Django otherwise builds a
        filtered QuerySet per row and relation, which was 70% of the export's time."""
        # benchmarks' Illustration, reached through the relation: practices sit below
        # benchmarks and do not import it.
        illustrations = self.model._meta.get_field("illustrations").related_model.objects
        return self.select_related(
            "city__country", "country", "lead_organisation"
        ).prefetch_related(
            models.Prefetch("themes", to_attr="theme_list"),
            models.Prefetch("target_groups", to_attr="target_group_list"),
            models.Prefetch("funding_sources", to_attr="funding_source_list"),
            models.Prefetch("tags", to_attr="tag_list"),
            models.Prefetch("partners", to_attr="partner_list"),
            models.Prefetch(
                "contacts",
                queryset=Contact.objects.public().order_by("name", "pk"),
                to_attr="public_contact_list",
            ),
            models.Prefetch(
                "citations",
                queryset=Citation.objects.select_related("document"),
                to_attr="citation_list",
            ),
            models.Prefetch(
                "illustrations",
                queryset=illustrations.select_related("factor"),
                to_attr="illustration_list",
            ),
        )
