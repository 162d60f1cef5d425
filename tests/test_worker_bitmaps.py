"""A worker's bitmaps after a write: it re-reads the values whose revision moved, and
ends up holding what a fresh read would give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import Organisation
from practices import facet_bitmaps, facet_index
from practices.models import Practice, Theme
from tests import factories

pytestmark = pytest.mark.django_db

VISITORS, CURATORS = (True,), (True, False)


def params():
    return [spec.param for spec in facet_index.counted_facets()]


def comparable(index):
    return {
        facet: {value: (label, list(members)) for value, (label, members) in values.items()}
        for facet, values in index.items()
        if values
    }


def reads_of(monkeypatch):
    """The ids each value read asked for (None: every value)."""
    asked = []
    real = facet_bitmaps._value_rows

    def value_rows(params, states, ids=None):
        asked.append(None if ids is None else set(ids))
        return real(params, states, ids)

    monkeypatch.setattr(facet_bitmaps, "_value_rows", value_rows)
    return asked


def write_a_little():
    """A practice moved to another theme and given a tag never seen; a theme renamed;
    an organisation's kind changed; a theme deleted; a new practice."""
    practice = Practice.objects.filter(is_published=True, themes__isnull=False).first()
    practice.themes.add(Theme.objects.exclude(practices=practice).first())
    practice.tags.add("caught-up-tag")
    renamed = Theme.objects.filter(practices__isnull=False).first()
    renamed.name = "Renamed while a worker held the old name"
    renamed.save()
    lead = Organisation.objects.filter(led_practices__isnull=False).first()
    lead.kind = "ngo" if lead.kind != "ngo" else "public"
    lead.save()
    Theme.objects.filter(practices__isnull=False).last().delete()
    factories.practice(slug="caught-up-practice", tags=["caught-up-tag"], is_published=False)


@pytest.mark.parametrize("states", [VISITORS, CURATORS])
def test_after_writes_a_worker_holds_what_a_fresh_read_gives(states, monkeypatch):
    facet_bitmaps.forget()
    before = comparable(facet_bitmaps.index(params(), states))
    write_a_little()
    asked = reads_of(monkeypatch)
    caught_up = comparable(facet_bitmaps.index(params(), states))
    assert caught_up == comparable(facet_bitmaps.load(params(), states))
    assert caught_up != before
    assert "caught-up-tag" in caught_up["tag"]
    assert "Renamed while a worker held the old name" in {
        label for label, _members in caught_up["theme"].values()
    }
    # The values the writes changed were read again (an organisation and a theme with
    # many practices: a third of them), then every value, by load() above.
    changed, everything = asked
    assert everything is None
    assert 0 < len(changed) < sum(map(len, before.values())) / 2


def test_a_worker_reads_again_only_the_value_a_write_changed(monkeypatch):
    facet_bitmaps.forget()
    facet_bitmaps.index(params(), VISITORS)
    practice = Practice.objects.filter(is_published=True, themes__isnull=False).first()
    held_before = facet_bitmaps.held_by([practice.pk])
    practice.themes.add(Theme.objects.exclude(practices=practice).first())
    asked = reads_of(monkeypatch)
    caught_up = comparable(facet_bitmaps.index(params(), VISITORS))
    # The new theme's value gained the practice; the values it held are as they were.
    gained = facet_bitmaps.held_by([practice.pk]) - held_before
    assert len(gained) == 1 and asked == [gained]
    assert caught_up == comparable(facet_bitmaps.load(params(), VISITORS))


def test_a_worker_reads_nothing_again_when_no_value_changed(monkeypatch):
    facet_bitmaps.forget()
    held = facet_bitmaps.index(params(), VISITORS)
    practice = Practice.objects.first()
    practice.summary += " (a summary no facet counts)"
    practice.save()  # a new content version, the same values
    asked = reads_of(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        caught_up = facet_bitmaps.index(params(), VISITORS)
    assert comparable(caught_up) == comparable(held)
    assert asked == [set()]
    # The content version, the list of revisions; no value row.
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_a_write_between_the_two_reads_makes_the_worker_read_everything(monkeypatch):
    facet_bitmaps.forget()
    facet_bitmaps.index(params(), VISITORS)
    practice = Practice.objects.filter(is_published=True, themes__isnull=False).first()
    practice.themes.add(Theme.objects.exclude(practices=practice).first())
    real = facet_bitmaps._value_rows
    asked = []

    def value_rows(params, states, ids=None):
        if ids and not asked:
            # Another writer commits after the revisions were listed, before the rows
            # are read: it moves the practice's values on again.
            practice.themes.clear()
        asked.append(ids)
        return real(params, states, ids)

    monkeypatch.setattr(facet_bitmaps, "_value_rows", value_rows)
    caught_up = comparable(facet_bitmaps.index(params(), VISITORS))
    assert asked[-1] is None, "a read of every value"
    assert caught_up == comparable(facet_bitmaps.load(params(), VISITORS))
