"""The practice browser: cleaned parameters, results, and disjunctive facet counts.

Every facet's counts follow all the *other* active filters, so each value shows what
ticking it would add. The counts are SQL aggregates over the facet index
(facet_index.py): one GROUP BY for every facet not ticked, one per ticked facet, and
sums of stored counts where the only other filter is the kind; nothing loops over
practices in Python. The page also reads the same parameters the export uses, so
`/practices/export.csv?<same query>` gives the same rows in the same order.
"""

from dataclasses import dataclass, replace

from django.core.cache import cache
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.manager import get_translatable_fields_for_model as translated_fields

from portal.text import in_sentence
from sources.versioning import cache_key

from . import facet_bitmaps, facet_index
from . import facets as registry
from .facet_display import Facet, in_display_order
from .filters import PARAMS, SORTS, PracticeFilter
from .models import Practice
from .search import found_by, query_words, ranked_page
from .stemming import ORIGINAL, search_language

# Counts are keyed on the content version, so they are never stale; the timeout only
# bounds how long a combination nobody asks for again holds memory.
CACHE_SECONDS = 60 * 60


@dataclass
class DefaultNote:
    """What a facet's default hides, for the page to say: the values shown, how many
    matching records the other values hold, and the query that ticks every value."""

    label: str
    shown: list
    hidden: int
    show_all: QueryDict


@dataclass
class Chip:
    param: str
    label: str
    value_label: str
    query: QueryDict


def local_labels(counted):
    """The counts with their labels in the page's language. Counting never depends on
    the language (the index stores English labels); here the values of vocabularies
    curators translate (themes, networks, VALUES factors...) are named again from their
    records: one query per such facet on a page not in English, cached with the counts.
    Choices (statuses, kinds) are relabelled from the catalogues in facets()."""
    if search_language() == ORIGINAL:
        return counted
    for name, rows in counted.items():
        spec = registry.get(name)
        model = getattr(spec.vocabulary, "model", None)
        field = getattr(spec.vocabulary, "field", None)
        if model is None or field not in (translated_fields(model) or ()):
            continue
        labels = spec.labels([value for value, _label, _n in rows])
        counted[name] = [(value, labels.get(value, label), n) for value, label, n in rows]
    return counted


class Browse:
    """One request's view of the knowledge base. Costs a bounded number of queries."""

    def __init__(self, params, user):
        self.params = params
        self.states = Practice.objects.visible_states(user)
        self.filterset = PracticeFilter(params, queryset=Practice.objects.visible_to(user))
        self.labels = self.filterset.labels
        self.notices = self._notices()
        self.query = self.filterset.form.cleaned_data.get("q", "")
        if self.query and not query_words(self.query):
            self.notices.append(
                _("Your search has no letters or digits to look for, so it was ignored.")
            )
        sort = params.get("sort", "")
        self.sort = (
            sort
            if sort in SORTS and (sort != "relevance" or self.query)
            else ("relevance" if self.query else "title")
        )
        self.defaults = self.filterset.defaulted()
        self._memo = None
        # The results as a bitmap, once the facets are counted here (not from the cache).
        self._matching = None
        # The search's matches (search.Found), once counted here.
        self._found = None
        self.data = self._applied()

    def _notices(self):
        notices = []
        for name in PARAMS:
            unknown = self.filterset.unknown(name) if name in self.labels else []
            if unknown:
                notices.append(
                    _("Ignored %(filter)s %(values)s: not in the knowledge base.")
                    % {
                        "filter": in_sentence(self.filterset.filters[name].label),
                        "values": ", ".join(repr(v[:40]) for v in unknown),
                    }
                )
        for name, errors in self.filterset.errors.items():
            label = self.filterset.filters[name].label
            given = self.params.get(name)[:40]
            notices.append(
                _("Ignored %(filter)s %(value)s: %(error)s")
                % {"filter": in_sentence(label), "value": repr(given), "error": errors[0]}
            )
        return notices

    def _applied(self):
        """The filters asked for, as a query string: known facet values, valid numbers. A
        facet's default is in force too, but is not the visitor's to remove (no chip)."""
        data = QueryDict(mutable=True)
        active = self.filterset.active()
        for name in PARAMS:
            if name not in active or name in self.defaults:
                continue
            value = active[name]
            if isinstance(value, list):
                data.setlist(name, value)
            else:
                data[name] = value if name == "q" else self.params.get(name).strip()
        return data

    # ----- results ----------------------------------------------------------------

    def results(self):
        """The matching practices in the page's order (the export uses the same)."""
        return self.filterset.qs.sorted_by(self.sort)

    def page_ids(self, bottom, top):
        """The ids of results bottom..top, in the page's order. With the results' bitmap
        at hand (the facets were counted here): PostgreSQL's ranked search reads the
        matches' ranks (search.ranked_page); a few thousand results are read
        by id; a broad set in title order walks the title index and keeps the ids in
        the set (a page of a 12,000-practice theme reads about 200 index entries, where
        sorting the 12,000 took 40 ms). Otherwise SQL filters and sorts."""
        results = self.results().values_list("pk", flat=True)
        matching = self._matching
        if matching is None:
            return list(results[bottom:top])
        ordered = Practice.objects.sorted_by(self.sort).values_list("pk", flat=True)
        if results.query.order_by != ordered.query.order_by:
            # The order depends on a filter the bitmaps cannot apply (a search's rank).
            return ranked_page(self._found, matching, bottom, top)
        if len(matching) <= facet_bitmaps.PROBED:
            by_id = facet_bitmaps.among(Practice.objects.sorted_by(self.sort), matching)
            return list(by_id.values_list("pk", flat=True)[bottom:top])
        if self.sort in ("title", "relevance"):
            found = facet_bitmaps.walk(ordered, matching, bottom, top)
            if found is not None:
                return found
        return list(results[bottom:top])

    def count(self):
        """How many practices match: from the facets' counts, at no query once they are
        counted (see _counted)."""
        if self._memo is not None:
            return self._memo[1]
        return self.filterset.qs.count()

    # ----- facets -----------------------------------------------------------------

    def _count(self):
        """{facet: [(value, label, count)]}: every facet counted over the practices
        matching every filter but its own, from the values' bitmaps (facet_bitmaps.py).
        A facet filter's set is the union of its values' members; the search and the
        years are a query of ids each. The facets not ticked share one set, the
        results'; the kind facet counts before the kind filter (a default is a filter)."""
        counted = [spec.param for spec in facet_index.counted_facets()]
        index = facet_bitmaps.index(counted, self.states)
        active = self.filterset.active()
        sets = {
            name: facet_bitmaps.union(index, name, self.filterset.value(name))
            for name in active
            if name in counted
        }

        def within(ignored):
            return facet_bitmaps.intersection(
                [members for name, members in sets.items() if name != ignored]
            )

        rest = [name for name in active if name not in counted]
        if rest:
            # The bitmaps hold only the practices this visitor may see: the queries need
            # not say so again (which read every match's row: 2x slower). They need only
            # look among the practices some count will meet: those in every facet's set
            # but at most one's, when the facets narrow that far.
            candidates = facet_bitmaps.candidates([within(n) for n in [*sets, ""]], index)
            if "q" in rest:
                rest.remove("q")
                if query_words(self.query):  # else the search is ignored (see notices)
                    practices = Practice.objects.all()
                    self._found = found_by(practices, self.query, candidates, self.sort)
                    sets["q"] = self._found.ids
            if rest:
                ids = self.filterset.narrowed_by(rest, Practice.objects.all())
                if candidates is not None:
                    ids = facet_bitmaps.among(ids, candidates)
                sets[None] = facet_bitmaps.ids(ids)

        self._matching = within("")
        found = {}
        for name in counted:
            found |= facet_bitmaps.counted(
                index, [name], within(name) if name in sets else self._matching
            )
        return found

    def _counted(self):
        """(facets in count order, total): from the shared cache when this content
        version has been counted for these filters before. Cached finished, so that a
        warm page builds no value objects (the city and organisation facets hold
        thousands)."""
        if self._memo is None:
            # The language too: labels, the order of equal counts and the search differ.
            key = cache_key("facets", get_language(), self.states, self.filters_in_force())
            self._memo = cache.get(key)
            if self._memo is None:
                counts = local_labels(self._count())
                kinds = set(self.filterset.value("kind"))
                # Every practice has one kind: the kind facet's counts (over every other
                # filter) summed over the kinds in force are the number of results.
                total = sum(n for value, _label, n in counts.get("kind", []) if value in kinds)
                self._memo = (self._build(counts), total)
                cache.set(key, self._memo, CACHE_SECONDS)
        return self._memo

    def _build(self, counted):
        facets = []
        for spec in facet_index.counted_facets():
            name = spec.param
            selected = frozenset(self.data.getlist(name))
            rows = [(v, label or v, n) for v, label, n in counted.get(name, []) if v]
            present = {row[0] for row in rows}
            rows += [(v, self.labels[name][v], 0) for v in selected - present]
            facets.append(Facet(name, spec.label, in_display_order(rows), selected))
        return facets

    def facets(self, order="count", expand=""):
        facets = []
        for facet in self._counted()[0]:
            rows = facet.rows
            relabel = getattr(registry.get(facet.name).vocabulary, "relabel", None)
            if relabel is not None:
                # Choice labels (kind, status...) in the request's language; counted and
                # cached once for every language.
                rows = [(value, relabel(value, label), n) for value, label, n in rows]
            if order == "alpha":
                rows = sorted(rows, key=lambda row: row[1].lower())
            facets.append(replace(facet, rows=rows, expanded=facet.name == expand))
        return facets

    def filters_in_force(self):
        """{param: values} of every filter applied, defaults included (for the export)."""
        return {**dict(self.data.lists()), **self.defaults}

    def default_notes(self, facets):
        """One note per facet narrowed by its default, from the facets' own counts."""
        notes = []
        for facet in facets:
            if facet.name not in self.defaults:
                continue
            shown = self.defaults[facet.name]
            labels = dict(registry.get(facet.name).labels(shown))
            query = self.params.copy()
            query.setlist(facet.name, [v.value for v in facet.values] or shown)
            query.pop("page", None)
            query.pop("partial", None)
            hidden = sum(v.count for v in facet.values if v.value not in shown)
            notes.append(DefaultNote(facet.label, [labels.get(v, v) for v in shown], hidden, query))
        return notes

    # ----- chips and suggestions ---------------------------------------------------

    def chips(self):
        """One removable chip per active value, each with the query string without it."""
        chips = []
        for name in PARAMS:
            for value in self.data.getlist(name):
                query = self._without(name, value)
                label = self.filterset.filters[name].label
                shown = self.labels.get(name, {}).get(value, value)
                chips.append(Chip(name, label, shown, query))
        return chips

    def without_last_filter(self):
        """The query string without the filter most recently added (last in the URL)."""
        for name, value in reversed(list(self._pairs())):
            return self._without(name, value)
        return None

    def _pairs(self):
        for name, values in self.params.lists():
            if name in self.data:
                for value in values:
                    if value in self.data.getlist(name):
                        yield name, value

    def _without(self, name, value):
        query = self.params.copy()
        remaining = [v for v in query.getlist(name) if v != value]
        query.setlist(name, remaining)
        if not remaining:
            del query[name]
        query.pop("page", None)
        query.pop("partial", None)
        return query
