"""The facet index's tables: what each practice is counted under, and which practices
hold each value. Written only by practices.facet_index; see there for why.
"""

import secrets

from django.db import models
from django.urls import reverse


def new_revision():
    """A value's revision: a number no earlier write of it drew. Readers only compare
    revisions for equality (facet_bitmaps.index), so it need not grow."""
    return secrets.randbits(62)


class FacetValue(models.Model):
    """A value a facet can count: a theme, a city, a status. `ref` is what the practice's
    own rows hold (a primary key as text, or a choice), so renaming a slug or a label
    changes this row only, never the practices' keys."""

    facet = models.CharField(max_length=20)
    ref = models.CharField(max_length=100)
    value = models.CharField(max_length=150)
    label = models.CharField(max_length=300)
    # The ids of the practices holding the value, as serialised roaring bitmaps: the
    # published ones and the drafts apart, so that a visitor's counts never read the
    # drafts. Kept by facet_bitmaps.py from the keys, in the same transaction.
    members = models.BinaryField(default=b"")
    draft_members = models.BinaryField(default=b"")
    # Drawn afresh by every write of the row (its label or bitmaps): a worker holding
    # the bitmaps re-reads after a write only the values whose revision moved on.
    revision = models.BigIntegerField(default=new_revision)

    class Meta:
        ordering = ["facet", "label", "pk"]
        constraints = [
            # Finding a value's row when a practice's keys are written.
            models.UniqueConstraint(fields=["facet", "ref"], name="facet_value_facet_ref_unique"),
        ]

    def __str__(self):
        return f"{self.facet}: {self.label}"

    def get_absolute_url(self):
        return f"{reverse('practices:list')}?{self.facet}={self.value}"


class FacetKey(models.Model):
    """One (practice, facet value) pair, with the practice's published flag: what each
    practice is counted under, found by practice when a write moves it between values'
    bitmaps, or by value when a value is deleted (holders)."""

    # No index of its own: the constraint below leads with it.
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    value = models.ForeignKey(FacetValue, on_delete=models.CASCADE, related_name="+")
    facet = models.CharField(max_length=20)
    published = models.BooleanField()

    class Meta:
        ordering = ["practice", "facet", "value"]
        constraints = [
            # A write reads a practice's keys (value and published flag) from this
            # index alone. Published follows from the practice, so this also forbids
            # a (practice, value) twice.
            models.UniqueConstraint(
                fields=["practice", "facet", "value", "published"], name="facet_key_unique"
            ),
        ]

    def __str__(self):
        return f"{self.practice_id} {self.facet}={self.value_id}"

    def get_absolute_url(self):
        return reverse("practices:list")
