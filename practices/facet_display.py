"""A facet as the browser shows it: its values in display order, the top few first, a
long one collapsed. Built by Browse from the counts and cached with them (pickled: the
shapes here are chosen for that)."""

from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from django.utils.text import slugify

from portal.text import practice_count

TOP_VALUES = 8
# Above this many values a facet renders collapsed (top values, selected ones, and a
# "show all" link): the city and organisation facets reach thousands of values, and
# rendering them all tripled the unfiltered page's time for a list nobody scrolls.
INLINE_LIMIT = 60


class ValueCount(NamedTuple):
    """One value of a facet as the page shows it, built only where the page reads it
    (Facet keeps and the cache pickles plain tuples). A tuple, not a dataclass: cheap
    to build by the thousand."""

    value: str
    label: str
    count: int
    selected: bool = False

    # Built here rather than in the template: a page draws about 160 values, and the
    # template's slugify and {% blocktranslate count %} cost 10 ms of a 75 ms page.
    @property
    def html_id(self):
        return slugify(self.value)

    @property
    def count_label(self):
        return practice_count(self.count)


@dataclass
class Facet:
    """A facet's values, in display order. A long facet (more than INLINE_LIMIT values)
    shows its top values and a link that expands it; ticked values always show.

    The values are held as plain (value, label, count) tuples, and become ValueCount
    objects only where the page reads them: the organisation facet has 67,000 values at
    a million practices, and building (or unpickling) an object for each took 0.5 s."""

    name: str
    label: str
    rows: list = field(default_factory=list)
    chosen: frozenset = frozenset()
    expanded: bool = False

    def _value(self, row):
        return ValueCount(*row, row[0] in self.chosen)

    @property
    def values(self):
        return [self._value(row) for row in self.rows]

    @property
    def size(self):
        return len(self.rows)

    @property
    def selected(self):
        if not self.chosen:  # most facets, on most pages: no walk over thousands of rows
            return []
        return [self._value(row) for row in self.rows if row[0] in self.chosen]

    @property
    def top(self):
        return self.top_of(TOP_VALUES)

    def top_of(self, n):
        return [self._value(row) for row in self.rows[:n]]

    @property
    def collapsed(self):
        return len(self.rows) > INLINE_LIMIT and not self.expanded

    @property
    def rest(self):
        rows = self.rows[TOP_VALUES:]
        if self.collapsed:
            rows = [row for row in rows if row[0] in self.chosen] if self.chosen else []
        return [self._value(row) for row in rows]


def in_display_order(rows):
    """(value, label, count) rows, the most counted first, then by label. Two stable
    sorts, the second in C: one sort on (-count, label) built a tuple per value (10,000
    on a page at 100,000 practices) and compared them, 3x slower."""
    rows.sort(key=lambda row: row[1].lower())
    rows.sort(key=itemgetter(2), reverse=True)
    return rows
